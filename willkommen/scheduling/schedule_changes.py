"""Changes of the schedule that touch bookings: first the preview, then the confirmed
change and a record of what becomes of every booking it touched.

A change of opening hours, closing days, desks, shifts or absences can leave booked
office appointments outside the office's hours or without a desk, and booked
consultations without a counsellor on duty (DOMAIN.md rule 6: nothing is silently
orphaned). So a change is never saved blindly:

1. **Preview.** The change is saved inside a transaction that is rolled back, and the
   bookings it would leave invalid are the ones invalid *after* it but not *before* it
   (so a booking that was already out of place is not blamed on this change). The
   configuration memo is bypassed meanwhile (``config_cache.bypassed``): no request of
   this process is answered from rows that never committed.
2. **Confirm.** The coordinator chooses *move* (to the nearest alternative) or *cancel*;
   the change is saved, the affected bookings are assessed again in the same transaction
   (bookings made since the preview count too), and a ``ScheduleChange`` with one outcome
   per booking is recorded with them. A background task then moves or cancels each and
   tells its client.

What a booking is and when it is invalid is booking's business; this app sits below
booking and never imports it, so booking registers an ``Assessor`` at start-up.

Secrecy (DOMAIN.md rule 1): the preview shows the consultation part of a booking only to
whoever ``policy.can_see_booked_consultations``; everyone else sees exactly what they
would see if no booking carried a consultation, and the consultations their change
touches are moved (the safe choice) without a word on the page.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from . import config_cache
from .models import ScheduleChange, ScheduleChangeAction

APPOINTMENT = "appointment"
CONSULTATION = "consultation"


@dataclass(frozen=True)
class AffectedBooking:
    """One part of one booking that a change leaves invalid. ``what`` is the office
    service (appointment) or the language (consultation); ``where`` the desk or the
    counsellor (empty without one). No client name, code or topic: a preview shows none."""

    part: str
    appointment_id: int
    start: datetime
    end: datetime
    what: str = ""
    where: str = ""

    @property
    def key(self):
        return (self.part, self.appointment_id)


class Assessor(Protocol):
    def invalid_bookings(
        self, location_ids: frozenset[int], now: datetime
    ) -> dict[tuple, AffectedBooking]:
        """Every part of a future booking at these locations that the configuration as
        it stands in this transaction leaves invalid, by ``AffectedBooking.key``."""

    def record(
        self,
        change: ScheduleChange,
        affected: list[AffectedBooking],
        *,
        visible_parts: frozenset[str],
        now: datetime,
    ) -> None:
        """Records one outcome per affected booking (inside the change's transaction)
        and queues the work that moves or cancels them."""


_assessors: list[Assessor] = []


def register(assessor: Assessor) -> None:
    if assessor not in _assessors:
        _assessors.append(assessor)


def _invalid(location_ids, now) -> dict[tuple, AffectedBooking]:
    found = {}
    for assessor in _assessors:
        found.update(assessor.invalid_bookings(location_ids, now))
    return found


def _newly_invalid(location_ids, apply, now):
    """Runs ``apply`` (which saves the change) between two assessments, in the caller's
    transaction; returns (what ``apply`` returned, the bookings it made invalid)."""
    with config_cache.bypassed():
        before = _invalid(location_ids, now)
        result = apply()
        after = _invalid(location_ids, now)
    affected = [row for key, row in after.items() if key not in before]
    affected.sort(key=lambda row: (row.start, row.part != APPOINTMENT, row.appointment_id))
    return result, affected


def visible(affected: Iterable[AffectedBooking], visible_parts) -> list[AffectedBooking]:
    return [row for row in affected if row.part in visible_parts]


@dataclass
class Outcome:
    """What became of a change: ``needs_decision`` when it was not saved because it
    touches bookings the person may see (``shown``) and they have not chosen yet."""

    result: object
    change: ScheduleChange | None
    affected: list[AffectedBooking]
    shown: list[AffectedBooking]
    needs_decision: bool = False


def apply_change(
    location_ids: Iterable[int],
    apply: Callable,
    *,
    kind: str,
    action: str | None,
    user,
    visible_parts: frozenset[str],
    location=None,
    counsellor=None,
    now=None,
) -> Outcome:
    """Saves the change (``apply``) and, in the same transaction, records what becomes of
    every booking it leaves invalid.

    ``action`` None asks first: if the change touches a booking part that
    ``visible_parts`` shows the person, nothing is kept (the transaction is rolled back)
    and the outcome ``needs_decision``, with the parts to show in the preview. Otherwise
    the change is saved; ``action`` (or *move*, when the person was not asked) applies to
    the parts they were shown, *move* to the rest (they never learnt of them)."""
    if action is not None and action not in ScheduleChangeAction.values:
        raise ValueError(action)
    now = now or timezone.now()
    location_ids = frozenset(pk for pk in location_ids if pk is not None)
    rolled_back = False
    try:
        with transaction.atomic():
            result, affected = _newly_invalid(location_ids, apply, now)
            shown = visible(affected, visible_parts)
            if action is None and shown:
                transaction.set_rollback(True)
                rolled_back = True
                return Outcome(result, None, affected, shown, needs_decision=True)
            change = None
            if affected:
                change = ScheduleChange.objects.create(
                    kind=kind,
                    location=location,
                    counsellor=counsellor,
                    action=action or ScheduleChangeAction.MOVE,
                    created_by=user if getattr(user, "is_authenticated", False) else None,
                )
                for assessor in _assessors:
                    assessor.record(change, affected, visible_parts=visible_parts, now=now)
            return Outcome(result, change, affected, shown)
    finally:
        if rolled_back:
            # Rows read while the change existed must not outlive it in any memo.
            config_cache.clear_local()


def preview(location_ids: Iterable[int], apply: Callable, *, now=None) -> list[AffectedBooking]:
    """Every booking part that saving the change (``apply``) would leave invalid, whoever
    may see it. Nothing is kept: the change is rolled back."""
    now = now or timezone.now()
    location_ids = frozenset(pk for pk in location_ids if pk is not None)
    try:
        with transaction.atomic():
            _result, affected = _newly_invalid(location_ids, apply, now)
            transaction.set_rollback(True)
    finally:
        config_cache.clear_local()
    return affected
