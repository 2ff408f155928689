"""Tasks queued with the booking's transaction (``willkommen.outbox``)."""

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from willkommen import outbox
from willkommen.booking import services, tasks
from willkommen.booking.models import Appointment

from .conftest import NOW, TUESDAY, local

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ARABIC_WORK = services.ConsultationRequest("ar", ("work",), False)


def book(world, hour=9, **kwargs):
    return services.book(
        world.service,
        local(TUESDAY, hour),
        name="Layla",
        email=f"layla{hour}@example.org",
        now=NOW,
        **kwargs,
    )


def queued():
    return sorted(DBTaskResult.objects.values_list("task_path", flat=True))


@override_settings(TASKS=DATABASE_QUEUE)
def test_the_confirmation_and_the_statistics_refresh_commit_with_the_booking(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        book(world, consultation=ARABIC_WORK)
    # Written inside the transaction: nothing is left to run after the commit …
    assert all(callback.__name__ == "marker" for callback in callbacks)
    # … and exactly one of each, although the appointment, its consultation and the
    # topics were each saved.
    assert queued() == [
        "willkommen.booking.tasks.send_booking_confirmation",
        "willkommen.statistics.tasks.refresh_fact",
    ]


@override_settings(TASKS=DATABASE_QUEUE)
def test_a_rolled_back_booking_leaves_no_task():
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        outbox.enqueue(tasks.send_booking_confirmation, 12345)
        assert queued() == ["willkommen.booking.tasks.send_booking_confirmation"]
        raise Abort
    assert queued() == []


@override_settings(TASKS=DATABASE_QUEUE)
def test_a_rolled_back_savepoint_drops_its_marker_so_the_task_is_queued_again():
    with transaction.atomic():
        try:
            with transaction.atomic():
                outbox.enqueue(tasks.send_booking_confirmation, 1, dedupe_key="k")
                raise RuntimeError
        except RuntimeError:
            pass
        assert queued() == []
        outbox.enqueue(tasks.send_booking_confirmation, 1, dedupe_key="k")
        outbox.enqueue(tasks.send_booking_confirmation, 1, dedupe_key="k")
    assert queued() == ["willkommen.booking.tasks.send_booking_confirmation"]


def test_other_backends_get_the_task_only_after_the_commit(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    # The test settings' immediate backend stands for RQ here: not the database queue.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        book(world)
        assert mailoutbox == []
    assert Appointment.objects.count() == 1
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    assert connection.in_atomic_block  # the test's own transaction; nothing leaked out
