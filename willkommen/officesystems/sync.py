"""Keeping in step: the office appointments that carry a consultation are asked about
again, through their adapter, until they are over.

``run`` takes the links that are due (active, starting within ``OFFICE_SYSTEMS_SYNC_DAYS``,
``next_check_at`` passed) and looks each one up again:

* **moved** → the follower (booking) places the consultation again around the new time,
  or cancels it and tells the client the alternatives;
* **cancelled** (the system says so: status cancelled, or "not found" as ZMS answers
  for a cancelled appointment) → the follower cancels the consultation and tells the
  client;
* every change is written as an ``OfficeChange``, which the counsellor's day shows.

**An outage never cancels anything.** Only an answer the adapter calls definitive (its
``AppointmentNotFound``, or a cancelled status) ends a consultation. A timeout, no
connection, a 5xx, malformed JSON, an unexpected status or a wrong secret only counts a
failure: the link is asked again after a back-off that doubles from
``OFFICE_SYSTEMS_RETRY_MINUTES`` up to ``OFFICE_SYSTEMS_RETRY_MAX_MINUTES``, and the rest of
an unreachable system's links wait for the next run instead of hammering it.

The request to the office system runs outside any transaction; the change is applied in
one, under a row lock on the link and compared with what is stored then, so two runs at
once (the timer and a partner's follow-up task) never apply a change twice.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import registry, sealing
from .base import (
    NotConfigured,
    OfficeAppointment,
    OfficeStatus,
    OfficeSystemError,
    OfficeSystemUnreachable,
)
from .config import config_for
from .models import ChangeKind, ChangeOutcome, HeldAppointment, OfficeChange, OfficeLink

logger = logging.getLogger(__name__)

BATCH = 200
KEEP_CHANGES_DAYS = 30
# Outcomes after which nothing is left to follow.
FINAL_OUTCOMES = {
    ChangeOutcome.CONSULTATION_CANCELLED,
    ChangeOutcome.NO_CONSULTATION_OFFERED,
    ChangeOutcome.NOTHING,
}


def _minutes(name, default) -> int:
    return int(getattr(settings, name, default))


def interval() -> timedelta:
    return timedelta(minutes=_minutes("OFFICE_SYSTEMS_SYNC_MINUTES", 5))


def backoff(failures: int) -> timedelta:
    """2, 4, 8, … minutes after the 1st, 2nd, 3rd failure in a row, at most the maximum."""
    base = _minutes("OFFICE_SYSTEMS_RETRY_MINUTES", 2)
    most = _minutes("OFFICE_SYSTEMS_RETRY_MAX_MINUTES", 60)
    return timedelta(minutes=min(base * 2 ** max(0, min(failures, 20) - 1), most))


class FollowerFailed(OfficeSystemError):
    """The answer was fine, applying it to the booking failed (rolled back, retried)."""

    code = "follower_failed"


@dataclass
class Report:
    checked: int = 0
    unchanged: int = 0
    moved: int = 0
    cancelled: int = 0
    failed: int = 0
    released: int = 0
    errors: dict = field(default_factory=dict)


# --- Watching ----------------------------------------------------------------------------


def watch(appointment_id, location_id, adapter, reference, secret, found: OfficeAppointment, now):
    """Starts keeping a new consultation's office appointment in step (inside the
    booking's transaction)."""
    return OfficeLink.objects.create(
        appointment_id=appointment_id,
        location_id=location_id,
        adapter=adapter,
        reference=reference,
        sealed_secret=sealing.seal(secret),
        start=found.start,
        end=found.end,
        next_check_at=now + interval(),
    )


def _release(link: OfficeLink) -> None:
    """Nothing left to follow: the secret is dropped (data minimisation)."""
    link.is_active = False
    link.sealed_secret = ""


# --- One link ----------------------------------------------------------------------------


def _failed(link_id: int, error: OfficeSystemError, now) -> None:
    with transaction.atomic():
        link = OfficeLink.objects.select_for_update().filter(pk=link_id, is_active=True).first()
        if link is None:
            return
        link.failures += 1
        link.last_error = error.code[:40]
        link.next_check_at = now + backoff(link.failures)
        link.save(update_fields=["failures", "last_error", "next_check_at"])
    logger.warning(
        "office system %s: link %s failed (%s, %s in a row)",
        link.adapter,
        link.pk,
        error.code,
        link.failures,
    )


def _ask(link: OfficeLink) -> OfficeAppointment | None:
    """The appointment as the office system sees it now; None when it says it has none.
    Raises ``OfficeSystemError`` for everything that is not such an answer."""
    config = config_for(link.location_id)
    if config.adapter != link.adapter:
        raise NotConfigured("the location now uses another system")
    adapter = registry.adapter_for(config)
    try:
        return adapter.checked_lookup(link.reference, sealing.unseal(link.sealed_secret))
    except OfficeSystemError as error:
        if error.definitive and error.code == "not_found":
            return None
        raise


def _apply(link_id: int, found: OfficeAppointment | None, now, report: Report) -> None:
    follower = registry.follower()
    with transaction.atomic():
        link = OfficeLink.objects.select_for_update().filter(pk=link_id, is_active=True).first()
        if link is None:
            return
        old_start, old_end = link.start, link.end
        kind = outcome = None
        if found is None or found.status == OfficeStatus.CANCELLED:
            kind = ChangeKind.CANCELLED
            outcome = follower.cancelled(link.appointment_id, now)
            _release(link)
            report.cancelled += 1
        elif found.status == OfficeStatus.DONE:
            _release(link)
        elif (found.start, found.end) != (old_start, old_end):
            kind = ChangeKind.MOVED
            outcome = follower.moved(link.appointment_id, found.start, found.end, now)
            link.start, link.end = found.start, found.end
            if outcome in FINAL_OUTCOMES:
                _release(link)
            report.moved += 1
        else:
            report.unchanged += 1
        if kind is not None:
            OfficeChange.objects.create(
                link=link,
                appointment_id=link.appointment_id,
                kind=kind,
                outcome=outcome,
                old_start=old_start,
                old_end=old_end,
                new_start=None if kind == ChangeKind.CANCELLED else link.start,
                new_end=None if kind == ChangeKind.CANCELLED else link.end,
                detected_at=now,
            )
        link.checked_at = now
        link.failures = 0
        link.last_error = ""
        link.next_check_at = now + interval()
        link.save()


def check(link: OfficeLink, now=None, report: Report | None = None) -> Report:
    """Looks one link up again and applies what changed."""
    now = now or timezone.now()
    report = report or Report()
    follower = registry.follower()
    if follower is None or not follower.wants(link.appointment_id):
        OfficeLink.objects.filter(pk=link.pk).update(is_active=False, sealed_secret="")
        report.released += 1
        return report
    report.checked += 1
    try:
        found = _ask(link)
    except OfficeSystemError as error:
        _failed(link.pk, error, now)
        report.failed += 1
        report.errors[error.code] = report.errors.get(error.code, 0) + 1
        raise
    try:
        _apply(link.pk, found, now, report)
    except Exception as error:  # noqa: BLE001 - one bad booking must not stop the run
        logger.exception("office system %s: link %s could not be applied", link.adapter, link.pk)
        _failed(link.pk, FollowerFailed(type(error).__name__), now)
        report.failed += 1
        raise FollowerFailed() from error
    return report


# --- The periodic run --------------------------------------------------------------------


# A run that starts a little early (timers drift) still takes the links due by then, so
# that none waits a whole extra period.
DUE_GRACE = timedelta(seconds=60)


def due(now):
    horizon = now + timedelta(days=_minutes("OFFICE_SYSTEMS_SYNC_DAYS", 7))
    return OfficeLink.objects.filter(
        is_active=True, next_check_at__lte=now + DUE_GRACE, start__lte=horizon, end__gt=now
    ).order_by("next_check_at", "pk")


def housekeeping(now) -> None:
    """Past appointments are not followed (their secrets go); old changes and partners'
    appointments long over are deleted."""
    OfficeLink.objects.filter(is_active=True, end__lte=now).update(
        is_active=False, sealed_secret=""
    )
    keep = now - timedelta(days=KEEP_CHANGES_DAYS)
    OfficeChange.objects.filter(detected_at__lt=keep).delete()
    HeldAppointment.objects.filter(end__lt=keep).delete()


def _unchanged_by_feed(links, now) -> set[int]:
    """Links whose adapter lists its changes (``changes_since``) and did not list them:
    those need no lookup this time."""
    skip = set()
    groups = {}
    for link in links:
        groups.setdefault((link.location_id, link.adapter), []).append(link)
    for (location_id, adapter_name), members in groups.items():
        config = config_for(location_id)
        if config.adapter != adapter_name:
            continue
        since = min(link.checked_at or link.created_at for link in members)
        try:
            changed = registry.adapter_for(config).changes_since(since)
        except OfficeSystemError:
            continue
        if changed is not None:
            skip |= {link.pk for link in members if link.reference not in changed}
    return skip


def run(now=None, batch=BATCH) -> Report:
    """One pass over the due links; safe to run from several workers at once."""
    now = now or timezone.now()
    housekeeping(now)
    report = Report()
    links = list(due(now)[:batch])
    skip = _unchanged_by_feed(links, now)
    down = set()
    for link in links:
        system = (link.location_id, link.adapter)
        if link.pk in skip:
            OfficeLink.objects.filter(pk=link.pk).update(
                checked_at=now, next_check_at=now + interval(), failures=0, last_error=""
            )
            report.unchanged += 1
            continue
        if system in down:
            _failed(link.pk, OfficeSystemUnreachable("skipped: system down"), now)
            report.failed += 1
            continue
        try:
            check(link, now, report)
        except OfficeSystemUnreachable:
            down.add(system)
        except OfficeSystemError:
            pass
    return report
