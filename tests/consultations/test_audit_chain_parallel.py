"""Truly parallel appends to the audit log on PostgreSQL keep one valid chain.

Each thread has its own connection and appends several events; a barrier releases them
together. The control removes the advisory lock and shows what it prevents: appenders
that read the same head collide on the chain position, so audit events are lost (and
the request that wrote them fails)."""

import threading
import time

import pytest
from django.db import IntegrityError, connection, connections

from willkommen.consultations import audit, audit_chain
from willkommen.consultations.models import AuditAction, AuditEvent

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

THREADS = 8
EVENTS_PER_THREAD = 5


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for truly parallel transactions (SQLite has one writer)")


def append_in_parallel():
    barrier = threading.Barrier(THREADS)
    errors = []

    def run(index):
        try:
            barrier.wait(timeout=30)
            for number in range(EVENTS_PER_THREAD):
                audit.record(
                    None,
                    AuditAction.READ,
                    object_type="consultation",
                    object_id=f"{index}-{number}",
                )
        except Exception as error:  # noqa: BLE001 - collected and asserted on below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def slow_head(original):
    """Reading the head takes a moment longer, as on a busy server: widens the window in
    which two unserialised appenders see the same head."""

    def head(queryset):
        found = original(queryset)
        time.sleep(0.05)
        return found

    return head


def test_parallel_appends_keep_one_valid_chain(monkeypatch):
    monkeypatch.setattr(audit_chain, "chain_head", slow_head(audit_chain.chain_head))
    errors = append_in_parallel()
    assert errors == []
    total = THREADS * EVENTS_PER_THREAD
    assert AuditEvent.objects.count() == total
    result = audit_chain.verify(AuditEvent.objects.all())
    assert result.ok and result.count == total and result.head_index == total


def test_control_without_the_lock_appenders_collide_and_events_are_lost(monkeypatch):
    monkeypatch.setattr(audit_chain, "chain_head", slow_head(audit_chain.chain_head))
    monkeypatch.setattr(audit_chain, "serialise_appends", lambda using: None)
    errors = append_in_parallel()
    assert errors and all(isinstance(error, IntegrityError) for error in errors)
    assert AuditEvent.objects.count() < THREADS * EVENTS_PER_THREAD
