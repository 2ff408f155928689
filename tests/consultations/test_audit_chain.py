"""The audit log is a hash chain: an event changed, deleted or inserted with raw SQL by the
table's owner (who can switch the append-only trigger off) is found and named by
``manage.py verify_audit_chain``. Runs on SQLite and PostgreSQL."""

import importlib
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from willkommen.consultations import audit, audit_chain
from willkommen.consultations.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db
TABLE = AuditEvent._meta.db_table
BACKFILL = importlib.import_module("willkommen.consultations.migrations.0004_audit_chain_backfill")


@contextmanager
def as_owner():
    """A cursor with the owner's powers: on PostgreSQL the append-only trigger is switched
    off first, as an owner bent on rewriting the log would do."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test's own transaction has deferred foreign-key checks pending, which
            # ALTER TABLE would refuse; a real owner's session has none.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {BACKFILL.TRIGGER}")
        yield cursor
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {BACKFILL.TRIGGER}")


def five_events():
    return [
        audit.record(None, AuditAction.READ, object_type="consultation", object_id=str(number))
        for number in range(1, 6)
    ]


def verify(*args):
    from io import StringIO

    out = StringIO()
    call_command("verify_audit_chain", *args, stdout=out)
    return out.getvalue()


def broken(*args):
    with pytest.raises(CommandError) as error:
        verify(*args)
    return str(error.value)


def test_every_event_is_linked_behind_the_one_before(staff):
    events = five_events()
    assert [event.chain_index for event in events] == [1, 2, 3, 4, 5]
    assert events[0].previous_hash == audit_chain.GENESIS_HASH
    for before, after in zip(events, events[1:], strict=False):
        assert after.previous_hash == before.content_hash
    output = verify()
    assert "intact: 5 events" in output and f"5:{events[-1].content_hash}" in output


def test_a_changed_event_is_named(staff):
    events = five_events()
    with as_owner() as cursor:
        cursor.execute(
            "UPDATE consultations_auditevent SET detail = 'nothing to see' WHERE id = %s",
            [events[2].pk],
        )
    message = broken()
    assert f"event {events[2].pk} (position 3)" in message and "content was changed" in message


def test_a_changed_time_or_address_is_named(staff):
    events = five_events()
    with as_owner() as cursor:
        cursor.execute(
            "UPDATE consultations_auditevent SET at = %s WHERE id = %s",
            [events[1].at - timedelta(hours=3), events[1].pk],
        )
    assert f"event {events[1].pk} (position 2)" in broken()


def test_a_deleted_event_is_named_by_its_successor(staff):
    events = five_events()
    with as_owner() as cursor:
        cursor.execute("DELETE FROM consultations_auditevent WHERE id = %s", [events[1].pk])
    message = broken()
    assert f"event {events[2].pk} (position 3)" in message and "missing" in message


def test_a_deleted_first_event_is_found(staff):
    events = five_events()
    with as_owner() as cursor:
        cursor.execute("DELETE FROM consultations_auditevent WHERE id = %s", [events[0].pk])
    assert f"event {events[1].pk} (position 2)" in broken()


def test_an_inserted_event_is_named(staff):
    """The owner makes room at position 3 and inserts a well-formed event there, with a
    correct hash of its own: the event after it no longer links to its predecessor."""
    events = five_events()
    with as_owner() as cursor:
        for event in reversed(events[2:]):
            cursor.execute(
                "UPDATE consultations_auditevent SET chain_index = chain_index + 1 WHERE id = %s",
                [event.pk],
            )
        forged = {
            "chain_index": 3,
            "previous_hash": events[1].content_hash,
            "at": timezone.now(),
            "actor_id": None,
            "actor_username": "someone-else",
            "actor_organisation_id": None,
            "organisation_id": None,
            "action": "read",
            "object_type": "consultation",
            "object_id": "99",
            "detail": "",
            "path": "",
            "ip_address": None,
        }
        columns = ", ".join([*forged, "content_hash"])
        placeholders = ", ".join(["%s"] * (len(forged) + 1))
        cursor.execute(
            f"INSERT INTO consultations_auditevent ({columns}) VALUES ({placeholders})",  # noqa: S608
            [*forged.values(), audit_chain.content_hash(forged)],
        )
    message = broken()
    assert f"event {events[2].pk} (position 4)" in message and "previous event" in message


def test_an_event_appended_with_a_wrong_hash_is_named(staff):
    five_events()
    with as_owner() as cursor:
        cursor.execute(
            "INSERT INTO consultations_auditevent (chain_index, previous_hash, content_hash, at,"
            " actor_username, action, object_type, object_id, detail, path) "
            "VALUES (6, %s, %s, %s, '', 'read', 'consultation', '7', '', '')",
            ["f" * 64, "e" * 64, timezone.now()],
        )
    assert "(position 6)" in broken()


def test_control_a_rebuilt_chain_passes_alone_but_not_against_the_anchor(staff):
    """Control: an owner who rewrites an event AND recomputes every hash after it leaves a
    chain that verifies on its own. The head noted from an earlier run catches it."""
    five_events()
    anchor = verify().split("Head: ")[1].strip()
    with as_owner() as cursor:
        cursor.execute(
            "UPDATE consultations_auditevent SET detail = 'rewritten' WHERE chain_index = 2"
        )
    head = (1, AuditEvent.objects.get(chain_index=1).content_hash)
    for event in AuditEvent.objects.filter(chain_index__gte=2).order_by("chain_index"):
        audit_chain.link(event, head)
        with as_owner() as cursor:
            cursor.execute(
                "UPDATE consultations_auditevent SET previous_hash = %s, content_hash = %s"
                " WHERE id = %s",
                [event.previous_hash, event.content_hash, event.pk],
            )
        head = (event.chain_index, event.content_hash)
    assert "intact: 5 events" in verify()
    assert "does not match the anchor" in broken("--anchor", anchor)


def test_cut_off_newest_events_fail_against_the_anchor(staff):
    events = five_events()
    anchor = f"5:{events[-1].content_hash}"
    with as_owner() as cursor:
        cursor.execute("DELETE FROM consultations_auditevent WHERE chain_index >= 4")
    assert "intact: 3 events" in verify()
    assert "position 5 is missing" in broken("--anchor", anchor)


def test_a_bad_anchor_is_refused_with_a_message(staff):
    with pytest.raises(CommandError, match="anchor"):
        call_command("verify_audit_chain", "--anchor", "not-a-head")


def test_the_orm_refuses_bulk_inserts_that_would_skip_the_chain(staff):
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.bulk_create([AuditEvent(action="read", object_type="x")])


def test_an_ipv6_address_verifies_however_the_database_writes_it(staff):
    audit.record(
        SimpleNamespace(path="/x/", META={"REMOTE_ADDR": "2001:0db8:0000:0000:0000:0:0:0001"}),
        AuditAction.READ,
        object_type="consultation",
    )
    assert "intact: 1 events" in verify()


def test_the_migration_links_events_written_before_the_chain(staff):
    events = five_events()
    with as_owner() as cursor:
        cursor.execute(
            "UPDATE consultations_auditevent"
            " SET chain_index = id + 1000, previous_hash = '', content_hash = ''"
        )
    assert "broken" in broken()

    def execute(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)

    historical = (
        MigrationExecutor(connection)
        .loader.project_state(("consultations", "0004_audit_chain_backfill"))
        .apps
    )
    with as_owner():
        BACKFILL.backfill(historical, SimpleNamespace(connection=connection, execute=execute))
    assert "intact: 5 events" in verify()
    assert list(AuditEvent.objects.order_by("chain_index").values_list("pk", flat=True)) == [
        event.pk for event in events
    ]


def test_grant_app_role_explains_that_sqlite_has_no_roles():
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL side is tests/consultations/test_db_roles.py")
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("grant_app_role", "--role", "willkommen_app")
