"""Two workers sending reminders at the same moment send each reminder once (PostgreSQL:
truly parallel transactions). The control test removes the guard and sees the double send."""

import threading
import time as wall_clock

import pytest
from django.core import mail
from django.db import connection, connections

from willkommen.booking import notifications, tasks
from willkommen.booking.models import Appointment

from .test_notifications import make_appointment, tomorrow_at

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for truly parallel transactions")


def run_two_workers(monkeypatch):
    """Both workers list the due reminders first, then claim and send at the same time;
    sending is slowed down so that the two transactions overlap."""
    barrier = threading.Barrier(2)
    original_due = tasks.due_reminders
    listed = threading.local()

    def due_then_wait(now):
        result = original_due(now)
        if not getattr(listed, "done", False):
            listed.done = True
            ids = list(result.values_list("pk", flat=True))
            barrier.wait(timeout=10)
            return result.filter(pk__in=ids)
        return result

    original_send = notifications.send_booking_message

    def slow_send(appointment, kind, **extra):
        wall_clock.sleep(0.5)
        original_send(appointment, kind, **extra)

    monkeypatch.setattr(tasks, "due_reminders", due_then_wait)
    monkeypatch.setattr(notifications, "send_booking_message", slow_send)
    results = []

    def worker():
        try:
            results.append(tasks.send_due_reminders_now())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(results)


def test_parallel_workers_send_each_reminder_once(office, monkeypatch):
    make_appointment(office, tomorrow_at(9))
    assert run_two_workers(monkeypatch) == [0, 1]
    assert len(mail.outbox) == 1


def test_control_without_the_lock_the_reminder_goes_out_twice(office, monkeypatch):
    make_appointment(office, tomorrow_at(9))
    monkeypatch.setattr(
        tasks, "claim_reminder", lambda pk, now: Appointment.objects.filter(pk=pk).first()
    )
    assert run_two_workers(monkeypatch) == [1, 1]
    assert len(mail.outbox) == 2
