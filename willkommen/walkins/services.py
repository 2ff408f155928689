"""The rules of the walk-in queue. Views, the API and the periodic task call these.

* Registering gives a short number per location and day ("A-017") and an unguessable
  token for the public ticket page. No personal data (an optional heads-up contact, given
  with consent, lives apart and briefly: ``heads_up.py``).
* ``call_next`` hands a counsellor on duty the next fitting ticket: one in a language
  they speak, topic matches first, oldest first. A booked consultation of theirs that is
  due comes before any walk-in. Two counsellors calling at the same moment never get the
  same ticket: each candidate is claimed under a row lock taken with ``SKIP LOCKED``, so a
  second caller passes over a ticket that is being claimed instead of waiting for it.
* The office appointment wins: shortly before it, a waiting ticket goes on hold; it comes
  back at its old place (``queue_position_key`` never changes).
* Stale tabs (a ticket called twice, a finished ticket reopened, a counsellor off shift)
  raise ``WalkInError`` with a translated message and change nothing: every transition
  re-reads the ticket under a lock and checks its status first.
"""

import math
import statistics
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from willkommen import clock
from willkommen.accounts.models import StaffMember
from willkommen.booking import assignment
from willkommen.booking.models import ConsultationBooking, ConsultationBookingStatus
from willkommen.clock import LOCAL_ZONE
from willkommen.errors import DomainError
from willkommen.organisations.models import Language, Location
from willkommen.scheduling.shifts import duty_intervals

from . import heads_up
from .models import Ticket, TicketStatus
from .signals import walk_in_consultation_finished, walk_in_consultation_started

# Configurable through settings (see docs/walk-ins.md); these are the defaults.
TICKET_PREFIX = getattr(settings, "WALKINS_TICKET_PREFIX", "A")
HOLD_BEFORE_APPOINTMENT = timedelta(
    minutes=getattr(settings, "WALKINS_HOLD_BEFORE_APPOINTMENT_MINUTES", 5)
)
AUTO_RESUME_AFTER = timedelta(minutes=getattr(settings, "WALKINS_AUTO_RESUME_MINUTES", 45))
# A ticket that has waited this long counts as a topic match for everyone: topic
# preference must never starve a person.
TOPIC_PREFERENCE_LIMIT = timedelta(
    minutes=getattr(settings, "WALKINS_TOPIC_PREFERENCE_MINUTES", 20)
)
# A booked consultation starting within this time (or overdue) comes before walk-ins.
BOOKING_LEAD = timedelta(minutes=getattr(settings, "WALKINS_BOOKING_LEAD_MINUTES", 5))
DEFAULT_CONSULTATION_MINUTES = 30
MEDIAN_WINDOW = timedelta(days=30)
DISPLAY_WINDOW = timedelta(minutes=30)


class WalkInError(DomainError):
    """A request that cannot be carried out; ``message`` is translated, ``code`` stable.
    Mostly a stale request (the ticket moved on): 409; a counsellor acting outside their
    duty or on another's ticket: 403."""

    status = 409
    FORBIDDEN_CODES = frozenset({"not_on_duty", "not_yours"})

    def __init__(self, code, message):
        super().__init__(message, code=code, status=403 if code in self.FORBIDDEN_CODES else None)


def _now(now):
    return now or timezone.now()


def local_day(moment):
    return clock.local_day(moment)


# Registration ----------------------------------------------------------------------------


NUMBERING_ATTEMPTS = 5


def _lock_location_numbering(location):
    """Serialises ticket numbering per location (a row lock on PostgreSQL; SQLite takes
    the write lock for the whole transaction anyway)."""
    Location.objects.select_for_update().filter(pk=location.pk).first()


def _next_sequence(location, day):
    last = (
        Ticket.objects.filter(location=location, service_day=day)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    return (last or 0) + 1


def register_walk_in(location, language, topics, office_appointment_at, created_by, now=None):
    """Creates a waiting ticket with the next number of the day at ``location``.

    The lock makes concurrent registrations take numbers one after another; the unique
    constraint on (location, day, number) is the backstop, with a retry."""
    now = _now(now)
    day = local_day(now)
    for _attempt in range(NUMBERING_ATTEMPTS):
        try:
            with transaction.atomic():
                _lock_location_numbering(location)
                sequence = _next_sequence(location, day)
                ticket = Ticket.objects.create(
                    location=location,
                    service_day=day,
                    sequence=sequence,
                    number=f"{TICKET_PREFIX}-{sequence:03d}",
                    language=language,
                    office_appointment_at=office_appointment_at,
                    queue_position_key=now,
                    created_at=now,
                    created_by=created_by,
                )
                if topics:
                    ticket.topics.set(topics)
                return ticket
        except IntegrityError:
            continue
    raise WalkInError("numbering_conflict", _("Please try again."))


# The queue -------------------------------------------------------------------------------


def apply_holds(location, now=None):
    """The office appointment wins: waiting tickets whose appointment is due go on hold;
    tickets on hold longer than the configured time come back. Called lazily by the queue
    functions and by the periodic task. Returns (held, resumed) counts."""
    now = _now(now)
    day = local_day(now)
    with transaction.atomic():
        held = (
            Ticket.objects.filter(
                location=location,
                service_day=day,
                status=TicketStatus.WAITING,
                office_appointment_at__isnull=False,
                office_appointment_at__lte=now + HOLD_BEFORE_APPOINTMENT,
            )
            # Not again once it has been held for this appointment and came back.
            .exclude(held_at__gte=_appointment_window_start_expr())
            .update(status=TicketStatus.ON_HOLD, held_at=now)
        )
        resumed = Ticket.objects.filter(
            location=location,
            service_day=day,
            status=TicketStatus.ON_HOLD,
            held_at__lte=now - AUTO_RESUME_AFTER,
        ).update(status=TicketStatus.WAITING, resumed_at=now)
    return held, resumed


def _appointment_window_start_expr():
    return F("office_appointment_at") - HOLD_BEFORE_APPOINTMENT


def queue_for(location, now=None):
    """The day's open tickets at ``location`` in queue order (holds applied first)."""
    now = _now(now)
    apply_holds(location, now)
    return list(
        Ticket.objects.filter(
            location=location,
            service_day=local_day(now),
            status__in=[
                TicketStatus.WAITING,
                TicketStatus.ON_HOLD,
                TicketStatus.CALLED,
                TicketStatus.IN_CONSULTATION,
            ],
        )
        .select_related("language", "room", "called_by")
        .prefetch_related("topics")
        .order_by("queue_position_key", "pk")
    )


def call_order(tickets, topic_ids, now):
    """Orders fitting tickets for a counsellor with ``topic_ids``: tickets whose topics
    the counsellor covers (or without topics) first, each group oldest first. A ticket
    that has waited ``TOPIC_PREFERENCE_LIMIT`` counts as a match, so nobody starves.

    ``tickets`` are objects with ``queue_position_key``, ``pk`` and ``topic_ids``."""
    topic_ids = set(topic_ids)

    def key(ticket):
        waited_long = now - ticket.queue_position_key >= TOPIC_PREFERENCE_LIMIT
        matches = not ticket.topic_ids or bool(topic_ids & set(ticket.topic_ids)) or waited_long
        return (0 if matches else 1, ticket.queue_position_key, ticket.pk)

    return sorted(tickets, key=key)


def duty_of(counsellor, location, now):
    """The counsellor's duty interval at ``location`` covering ``now``, or None."""
    day = local_day(now)
    for interval in duty_intervals(location, day, day, counsellor_ids=[counsellor.pk]):
        if interval.start <= now < interval.end:
            return interval
    return None


def _require_duty(counsellor, location, now):
    interval = duty_of(counsellor, location, now)
    if interval is None:
        raise WalkInError(
            "not_on_duty",
            _("You are not on duty at this location right now, so you cannot call tickets."),
        )
    return interval


@dataclass
class CallNextResult:
    """What "call next" gave: a walk-in ticket, a due booked consultation, or nothing."""

    ticket: Ticket | None = None
    booking: object | None = None
    # The booking had no counsellor and was given to this one by "call next".
    claimed: bool = False

    @property
    def is_empty(self):
        return self.ticket is None and self.booking is None


def due_booked_consultation(counsellor, location, now):
    """The counsellor's booked consultation that starts within ``BOOKING_LEAD`` or is
    overdue today and not started."""
    day_start = now.astimezone(LOCAL_ZONE).replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        ConsultationBooking.objects.filter(
            counsellor=counsellor,
            status=ConsultationBookingStatus.BOOKED,
            appointment__location=location,
            start__gte=day_start,
            start__lte=now + BOOKING_LEAD,
        )
        .order_by("start")
        .first()
    )


def _lock_waiting_ticket(ticket_id):
    """Claims one waiting ticket for this transaction: locks its row, skipping it if
    another caller holds the lock right now. Returns None if it is taken or no longer
    waiting. This is the guard against two counsellors getting the same person."""
    return (
        Ticket.objects.select_for_update(skip_locked=True)
        .filter(pk=ticket_id, status=TicketStatus.WAITING)
        .first()
    )


def call_next(counsellor, location, now=None):
    """Gives the counsellor the next fitting walk-in, or their due booked consultation."""
    now = _now(now)
    interval = _require_duty(counsellor, location, now)
    booking = due_booked_consultation(counsellor, location, now)
    if booking is not None:
        return CallNextResult(booking=booking)
    # Booked clients still without a counsellor come before walk-ins.
    booking = assignment.claim_due(counsellor, location, now, BOOKING_LEAD)
    if booking is not None:
        return CallNextResult(booking=booking, claimed=True)
    apply_holds(location, now)
    language_ids = list(counsellor.languages.values_list("pk", flat=True))
    topic_ids = list(counsellor.topics.values_list("pk", flat=True))
    candidates = list(
        Ticket.objects.filter(
            location=location,
            service_day=local_day(now),
            status=TicketStatus.WAITING,
            language_id__in=language_ids,
        )
        .prefetch_related("topics")
        .order_by("queue_position_key", "pk")[:200]
    )
    for candidate in candidates:
        candidate.topic_ids = [topic.pk for topic in candidate.topics.all()]
    for candidate in call_order(candidates, topic_ids, now):
        with transaction.atomic():
            ticket = _lock_waiting_ticket(candidate.pk)
            if ticket is None:
                continue
            _mark_called(ticket, counsellor, interval, now)
            return CallNextResult(ticket=ticket)
    return CallNextResult()


def _mark_called(ticket, counsellor, interval, now):
    ticket.status = TicketStatus.CALLED
    ticket.called_at = ticket.called_at or now
    ticket.last_called_at = now
    ticket.call_count += 1
    ticket.called_by = counsellor
    ticket.room_id = interval.room_id
    ticket.save(
        update_fields=["status", "called_at", "last_called_at", "call_count", "called_by", "room"]
    )
    heads_up.queue_moved(ticket)


def _locked(ticket):
    """Re-reads the ticket under a row lock: the truth, not what a stale tab showed."""
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _refresh(target, source):
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def call_ticket(ticket, counsellor, now=None):
    """Calls one specific waiting (or held) ticket."""
    now = _now(now)
    interval = _require_duty(counsellor, ticket.location, now)
    with transaction.atomic():
        current = _locked(ticket)
        if current.status not in (TicketStatus.WAITING, TicketStatus.ON_HOLD):
            raise _stale(current, _("This ticket cannot be called now."))
        _mark_called(current, counsellor, interval, now)
    _refresh(ticket, current)
    return ticket


def recall(ticket, counsellor, now=None):
    """Calls an already called ticket again (the person did not come yet)."""
    now = _now(now)
    interval = _require_duty(counsellor, ticket.location, now)
    with transaction.atomic():
        current = _locked(ticket)
        if current.status != TicketStatus.CALLED or current.called_by_id != counsellor.pk:
            raise _stale(current, _("Only a ticket you called can be called again."))
        _mark_called(current, counsellor, interval, now)
    _refresh(ticket, current)
    return ticket


def _stale(current, message):
    return WalkInError(
        "stale",
        _("%(message)s The ticket is now: %(status)s. Nothing was changed.")
        % {"message": message, "status": current.get_status_display()},
    )


def _counsellors_transition(
    ticket, counsellor, *, expected, target, stamp, stale, not_yours, signal, now
):
    """Moves a ticket the counsellor called from ``expected`` to ``target`` (compare and set
    under a row lock), stamps the time and sends ``signal`` after commit."""
    with transaction.atomic():
        current = _locked(ticket)
        if current.status != expected:
            raise _stale(current, stale)
        if current.called_by_id != counsellor.pk:
            raise WalkInError("not_yours", not_yours)
        current.status = target
        setattr(current, stamp, now)
        current.save(update_fields=["status", stamp])
        transaction.on_commit(
            lambda: signal.send(sender=Ticket, ticket=current, counsellor=counsellor)
        )
    _refresh(ticket, current)
    return ticket


def start_consultation(ticket, counsellor, now=None):
    return _counsellors_transition(
        ticket,
        counsellor,
        expected=TicketStatus.CALLED,
        target=TicketStatus.IN_CONSULTATION,
        stamp="started_at",
        stale=_("Only a called ticket can start a consultation."),
        not_yours=_("Another counsellor called this ticket. Nothing was changed."),
        signal=walk_in_consultation_started,
        now=_now(now),
    )


def finish(ticket, counsellor, now=None):
    return _counsellors_transition(
        ticket,
        counsellor,
        expected=TicketStatus.IN_CONSULTATION,
        target=TicketStatus.DONE,
        stamp="finished_at",
        stale=_("Only a consultation in progress can be finished."),
        not_yours=_("Another counsellor holds this consultation. Nothing was changed."),
        signal=walk_in_consultation_finished,
        now=_now(now),
    )


def mark_left(ticket, by, now=None):
    """The person left without a consultation (not reachable when called, or gone)."""
    now = _now(now)
    with transaction.atomic():
        current = _locked(ticket)
        if current.status not in (
            TicketStatus.WAITING,
            TicketStatus.CALLED,
            TicketStatus.ON_HOLD,
        ):
            raise _stale(current, _("Only a waiting, called or held ticket can be closed."))
        current.status = TicketStatus.LEFT
        current.left_at = now
        current.save(update_fields=["status", "left_at"])
        heads_up.queue_moved(current)
    _refresh(ticket, current)
    return ticket


def put_on_hold(ticket, by, now=None):
    """The person steps away (their office appointment); they keep their place."""
    now = _now(now)
    with transaction.atomic():
        current = _locked(ticket)
        if current.status not in (TicketStatus.WAITING, TicketStatus.CALLED):
            raise _stale(current, _("Only a waiting or called ticket can be put on hold."))
        current.status = TicketStatus.ON_HOLD
        current.held_at = now
        current.save(update_fields=["status", "held_at"])
        heads_up.queue_moved(current)
    _refresh(ticket, current)
    return ticket


def resume(ticket, by, now=None):
    """Back from the office appointment: waiting again, at the old place."""
    now = _now(now)
    with transaction.atomic():
        current = _locked(ticket)
        if current.status != TicketStatus.ON_HOLD:
            raise _stale(current, _("Only a ticket on hold can resume."))
        current.status = TicketStatus.WAITING
        current.resumed_at = now
        current.save(update_fields=["status", "resumed_at"])
    _refresh(ticket, current)
    return ticket


# Estimated wait ---------------------------------------------------------------------------


def median_consultation_minutes(language, now=None):
    """Median length of finished walk-in consultations in ``language`` over the last 30
    days; the default when there are none yet."""
    now = _now(now)
    rows = Ticket.objects.filter(
        language=language,
        status=TicketStatus.DONE,
        started_at__isnull=False,
        finished_at__gte=now - MEDIAN_WINDOW,
        finished_at__lte=now,
    ).values_list("started_at", "finished_at")[:2000]
    lengths = [(end - start).total_seconds() / 60 for start, end in rows if end > start]
    if not lengths:
        return DEFAULT_CONSULTATION_MINUTES
    return statistics.median(lengths)


@dataclass(frozen=True)
class WaitEstimate:
    place: int  # 1 = next for this language
    ahead: int
    counsellors: int  # on duty now and speaking the language
    median_minutes: float
    minutes: int | None  # None: nobody speaking the language is on duty now


def speakers_on_duty(location, language, now):
    day = local_day(now)
    on_duty = {
        interval.counsellor_id
        for interval in duty_intervals(location, day, day)
        if interval.start <= now < interval.end
    }
    if not on_duty:
        return 0
    return StaffMember.objects.filter(pk__in=on_duty, languages=language).count()


def estimate_minutes(ahead, counsellors, median_minutes):
    """The people ahead are shared among the counsellors speaking the language; each takes
    about the median consultation length. Rounded up to 5 minutes; 0 means "next"."""
    if counsellors <= 0:
        return None
    raw = ahead * median_minutes / counsellors
    return int(math.ceil(raw / 5.0) * 5)


def estimated_wait(ticket, now=None):
    """Place and estimated wait of a waiting ticket (held tickets keep their place)."""
    now = _now(now)
    ahead = (
        Ticket.objects.filter(
            location_id=ticket.location_id,
            service_day=ticket.service_day,
            language_id=ticket.language_id,
            status=TicketStatus.WAITING,
        )
        .filter(
            Q(queue_position_key__lt=ticket.queue_position_key)
            | Q(queue_position_key=ticket.queue_position_key, pk__lt=ticket.pk)
        )
        .count()
    )
    counsellors = speakers_on_duty(ticket.location, ticket.language, now)
    median = median_consultation_minutes(ticket.language, now)
    return WaitEstimate(
        place=ahead + 1,
        ahead=ahead,
        counsellors=counsellors,
        median_minutes=median,
        minutes=estimate_minutes(ahead, counsellors, median),
    )


# Display and intake helpers -------------------------------------------------------------


def recently_called(location, now=None, limit=8):
    """Tickets called in the last half hour, newest first, for the waiting-room screen."""
    now = _now(now)
    return list(
        Ticket.objects.filter(
            location=location,
            status__in=[TicketStatus.CALLED, TicketStatus.IN_CONSULTATION],
            last_called_at__gte=now - DISPLAY_WINDOW,
        )
        .select_related("room")
        .order_by("-last_called_at")[:limit]
    )


def languages_by_usage(location, now=None):
    """All languages, the ones most asked for at this location in the last 30 days first,
    then by their configured sort order."""
    now = _now(now)
    return list(
        Language.objects.annotate(
            recent=Count(
                "walk_in_tickets",
                filter=Q(
                    walk_in_tickets__location=location,
                    walk_in_tickets__created_at__gte=now - MEDIAN_WINDOW,
                ),
            )
        ).order_by("-recent", "sort_order", "english_name")
    )


def close_stale_tickets(now=None):
    """Open tickets of earlier days: the person left without a consultation."""
    now = _now(now)
    today = local_day(now)
    return Ticket.objects.filter(
        service_day__lt=today,
        status__in=[TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.ON_HOLD],
    ).update(status=TicketStatus.LEFT, left_at=now)
