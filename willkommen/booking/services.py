"""Booking rules: hold, book, confirm, cancel and move an office appointment and its
add-on consultation. Views, the API and commands call these; they stay thin.

Guarantees kept here:

* **Both or nothing.** Office appointment and consultation are written in one transaction.
* **Never twice.** Before the overlap check and the insert, the desk's row (and the
  counsellor's row) is locked with ``SELECT … FOR UPDATE``, so concurrent bookings of the
  same desk queue up and the second one sees the first. Only desks the engine saw free are
  locked, one at a time, in an order spread by start time (so bookings of different times
  do not all queue on one desk); two bookings can only wait for each other if both lost a
  race, and PostgreSQL then aborts one, which the client sees as "slot taken" with
  alternatives. A partial unique constraint on (desk, start) and (counsellor, start) is
  the last line of defence. On SQLite, transactions start IMMEDIATE (settings), so writers
  are serialised anyway.
* **Which slots are free** is the engine's question (``scheduling.slots``); this module
  decides **who gets** one — today first come, first served. A later lottery over requests
  collected during a release window would replace only this part.
* **Nothing changed on bad input.** Every check that can fail runs before the first write,
  or inside the transaction that rolls back.
"""

import hashlib
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import phonenumbers
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from willkommen.accounts.models import StaffMember
from willkommen.organisations.models import Desk, Language, OfficeService, Topic
from willkommen.scheduling import slots as engine
from willkommen.scheduling.shifts import LOCAL_ZONE

from . import signals
from .errors import (
    BookingError,
    CaptchaInvalid,
    ConsultationUnavailable,
    InvalidContact,
    InvalidManageToken,
    NotChangeable,
    OutsideBookingWindow,
    RateLimited,
    SlotUnavailable,
    TooManyOpenBookings,
    UnknownLanguage,
    UnknownService,
    UnknownTopic,
)
from .models import (
    ACTIVE_CONSULTATION_STATUSES,
    CHANGEABLE_APPOINTMENT_STATUSES,
    EXPIRING_STATUSES,
    Appointment,
    AppointmentStatus,
    ConsultationBooking,
    ConsultationBookingStatus,
)
from .tokens import make_confirm_token, make_manage_token

__all__ = [
    "BookingError",
    "BookingResult",
    "CaptchaInvalid",
    "ConsultationRequest",
    "ConsultationUnavailable",
    "DayClosed",
    "InvalidContact",
    "InvalidManageToken",
    "NotChangeable",
    "OutsideBookingWindow",
    "RateLimited",
    "SlotUnavailable",
    "TooManyOpenBookings",
    "UnknownLanguage",
    "UnknownService",
    "UnknownTopic",
    "add_consultation_to_external",
    "book",
    "cancel_booking",
    "cancel_consultation",
    "complete_booking",
    "confirm_booking",
    "hold_slot",
    "move_booking",
    "move_consultation",
    "release_expired_holds",
]


# The reverse one-to-one from an appointment to its consultation: its cache is filled once
# a booking knows whether it has one.
_CONSULTATION_FIELD = Appointment._meta.get_field("consultation")


class DayClosed(OutsideBookingWindow):
    code = "day_closed"
    default_message = _("The office is closed on this day. Please choose another day.")


@dataclass(frozen=True)
class ConsultationRequest:
    """What the client asks for in the add-on consultation."""

    language_code: str | None
    topic_slugs: tuple[str, ...] = ()
    interpreter: bool = False


@dataclass
class BookingResult:
    appointment: Appointment
    manage_token: str
    confirm_token: str | None = None
    consultation: ConsultationBooking | None = field(default=None)


# ---------------------------------------------------------------------------------------
# Input checks (no writes)
# ---------------------------------------------------------------------------------------


def get_bookable_service(service_or_id) -> OfficeService:
    if isinstance(service_or_id, OfficeService):
        service = service_or_id
    else:
        try:
            service_id = int(service_or_id)
            if not 0 < service_id < 2**63:  # beyond any id; PostgreSQL would refuse it
                raise ValueError(service_id)
            service = engine.service_by_id(service_id)
        except (OfficeService.DoesNotExist, TypeError, ValueError) as error:
            raise UnknownService() from error
    if not service.bookable_online:
        raise UnknownService()
    return service


def check_consultation_request(request: ConsultationRequest | None):
    """Returns (Language or None, [Topic]) or raises UnknownLanguage / UnknownTopic."""
    if request is None:
        return None, []
    language = None
    if request.language_code:
        language = Language.objects.filter(code=request.language_code).first()
        if language is None:
            raise UnknownLanguage()
    elif not request.interpreter:
        # A consultation needs a language to match the counsellor; default to German.
        language = Language.objects.filter(code="de").first()
    slugs = sorted(set(request.topic_slugs or ()))
    topics = list(Topic.objects.filter(slug__in=slugs, is_active=True))
    if len(topics) != len(slugs):
        raise UnknownTopic()
    return language, topics


def normalise_contact(name: str, email: str | None, phone: str | None):
    """Validated (name, email, phone in E.164) or InvalidContact naming the field."""
    name = (name or "").strip()
    email = (email or "").strip()
    phone = (phone or "").strip()
    if not name or len(name) > 200:
        raise InvalidContact(_("Please enter your name."), field="name")
    if not email and not phone:
        raise InvalidContact(field="contact")
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise InvalidContact(
                _("Please enter a valid e-mail address."), field="email"
            ) from error
        if len(email) > 254:
            raise InvalidContact(_("Please enter a valid e-mail address."), field="email")
        email = email.lower()
    if phone:
        try:
            number = phonenumbers.parse(phone, "DE")
        except phonenumbers.NumberParseException as error:
            raise InvalidContact(
                _("Please enter a valid mobile number."), field="phone"
            ) from error
        if not phonenumbers.is_valid_number(number):
            raise InvalidContact(_("Please enter a valid mobile number."), field="phone")
        phone = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return name, email, phone


def _aware_utc(moment: datetime) -> datetime:
    if timezone.is_naive(moment):
        raise OutsideBookingWindow(_("Please give the time with its UTC offset."))
    return moment.astimezone(UTC)


def _check_window(location, start: datetime, now: datetime):
    schedule = engine.schedule_for(location)
    window = engine.booking_window(schedule, now)
    day = start.astimezone(LOCAL_ZONE).date()
    if day < window.first_day or day > window.last_day or start < window.earliest_start:
        raise OutsideBookingWindow()
    if day in engine.closed_days(location, day, day):
        raise DayClosed()
    return schedule


# ---------------------------------------------------------------------------------------
# Rate limits and the open-bookings limit
# ---------------------------------------------------------------------------------------


def _limit(name: str, default: tuple[int, int]) -> tuple[int, int]:
    return getattr(settings, name, default)


def _rate_key(scope: str, identity: str, period: int) -> str:
    window = int(time.time() // period)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return f"wk:booking:rl:{scope}:{digest}:{window}"


def rate_exhausted(scope: str, identity: str | None, limit: tuple[int, int]) -> bool:
    """Whether ``identity`` has used up ``limit`` in ``scope`` (counts nothing)."""
    if not identity or not getattr(settings, "RATELIMIT_ENABLE", True):
        return False
    count_limit, period = limit
    return (cache.get(_rate_key(scope, identity, period)) or 0) >= count_limit


def check_rate(scope: str, identity: str | None, limit: tuple[int, int], strict=False):
    """Counts one attempt for ``identity`` in ``scope``; RateLimited past ``limit``
    (count, seconds). A fixed window in the shared cache, so it holds across servers when
    Redis is configured. ``strict`` halves the limit (the no-JavaScript captcha fallback)."""
    if not identity or not getattr(settings, "RATELIMIT_ENABLE", True):
        return
    count_limit, period = limit
    if strict:
        count_limit = max(1, count_limit // 2)
    key = _rate_key(scope, identity, period)
    if cache.add(key, 1, period + 5):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, period + 5)
            count = 1
    if count > count_limit:
        raise RateLimited()


def _check_ip(client_ip, strict=False):
    check_rate("ip", client_ip, _limit("BOOKING_RATE_LIMIT_PER_IP", (30, 3600)), strict)


def _check_contact_rate(email, phone, strict=False):
    limit = _limit("BOOKING_RATE_LIMIT_PER_CONTACT", (6, 86400))
    check_rate("email", email, limit, strict)
    check_rate("phone", phone, limit, strict)


def open_bookings_of(email, phone, now, exclude_id=None):
    contact = Q()
    if email:
        contact |= Q(email=email)
    if phone:
        contact |= Q(phone=phone)
    if not contact:
        return Appointment.objects.none()
    open_ = (
        Appointment.objects.filter(contact, end__gt=now)
        .filter(
            Q(status=AppointmentStatus.BOOKED)
            | Q(status__in=EXPIRING_STATUSES, hold_expires_at__gt=now)
        )
        .exclude(status=AppointmentStatus.HELD)
    )
    if exclude_id:
        open_ = open_.exclude(pk=exclude_id)
    return open_


def _check_open_bookings(email, phone, now, exclude_id=None):
    maximum = getattr(settings, "BOOKING_MAX_OPEN_PER_CONTACT", 2)
    if open_bookings_of(email, phone, now, exclude_id).count() >= maximum:
        raise TooManyOpenBookings()


# ---------------------------------------------------------------------------------------
# Locks and placement (inside a transaction)
# ---------------------------------------------------------------------------------------


def _expire(appointments, now):
    """Marks stale holds / unconfirmed bookings among ``appointments`` as expired."""
    stale = appointments.filter(status__in=EXPIRING_STATUSES, hold_expires_at__lte=now)
    stale_ids = list(stale.values_list("pk", flat=True))
    if not stale_ids:
        return 0
    Appointment.objects.filter(pk__in=stale_ids).update(status=AppointmentStatus.EXPIRED)
    ConsultationBooking.objects.filter(
        appointment_id__in=stale_ids, status__in=EXPIRING_STATUSES
    ).update(status=ConsultationBookingStatus.EXPIRED)
    return len(stale_ids)


def _lock_desk(desk_id):
    """Row lock on the desk: concurrent bookings of this desk wait here."""
    # No ordering: Desk's default ordering joins the location, and FOR UPDATE would then
    # lock the location row too and make every booking at a location wait for each other.
    list(Desk.objects.select_for_update().filter(pk=desk_id).order_by().values_list("pk"))


def _lock_counsellors(counsellor_ids):
    """Row locks on counsellors, in id order (the same order everywhere: no deadlocks)."""
    list(
        StaffMember.objects.select_for_update()
        .filter(pk__in=sorted(set(counsellor_ids)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _desk_is_free(desk_id, start, end, now, exclude_id=None):
    overlapping = Appointment.objects.occupying(now).filter(
        desk_id=desk_id, start__lt=end, end__gt=start
    )
    if exclude_id:
        overlapping = overlapping.exclude(pk=exclude_id)
    return not overlapping.exists()


def _counsellor_is_free(counsellor_id, start, end, now, exclude_appointment_id=None):
    overlapping = (
        ConsultationBooking.objects.filter(
            counsellor_id=counsellor_id,
            status__in=ACTIVE_CONSULTATION_STATUSES,
            start__lt=end,
            end__gt=start,
        )
        .exclude(status__in=EXPIRING_STATUSES, appointment__hold_expires_at__lte=now)
        .exclude(appointment_id=exclude_appointment_id)
    )
    return not overlapping.exists()


def _spread(ids, start):
    """The candidates (all free when the engine looked) in an order that depends on the
    start time: bookings of different times then lock different desks first instead of
    all queueing on the lowest desk id. Bookings of the same time share the order, so
    they meet on the same row lock and the second sees the first."""
    ordered = sorted(ids)
    if len(ordered) < 2:
        return ordered
    offset = (int(start.timestamp()) // 60) % len(ordered)
    return ordered[offset:] + ordered[:offset]


def _database_refuses_overlaps() -> bool:
    """On PostgreSQL, exclusion constraints refuse a second active appointment on a desk or
    consultation with a counsellor whose time overlaps (migration booking 0003): the insert
    itself is the guard, waiting for a competing transaction and failing if it committed.
    SQLite has no such constraints; there the row lock (a no-op) and the re-check run under
    SQLite's single writing transaction (``transaction_mode`` IMMEDIATE) instead."""
    return connection.vendor == "postgresql"


def _place_on_desk(desk_ids, start, end, now, build, exclude_id=None):
    """Writes the appointment with ``build(desk_id)`` on the first candidate desk where the
    database lets it (see ``_database_refuses_overlaps``; elsewhere after a lock and a
    re-check); moves on to the next candidate if it was taken meanwhile. Raises
    SlotUnavailable when none is left."""
    checked_by_insert = _database_refuses_overlaps()
    for desk_id in _spread(desk_ids, start):
        if not checked_by_insert:
            _lock_desk(desk_id)
            if not _desk_is_free(desk_id, start, end, now, exclude_id):
                continue
        stale = Appointment.objects.filter(desk_id=desk_id, start__lt=end, end__gt=start)
        created = _insert_or_expire_and_retry(lambda desk_id=desk_id: build(desk_id), stale, now)
        if created is not None:
            return created
    raise SlotUnavailable()


def _insert_or_expire_and_retry(insert, stale, now):
    """Runs ``insert`` in a savepoint. Holds that ran out but still carry their old status
    (the sweep marks them later) count as free for the engine and the re-check, but trip
    the database's unique and exclusion constraints; so on IntegrityError mark ``stale``'s
    expired rows and try once more. Returns None when the place is really taken (or was
    taken by a competing transaction meanwhile). Expiring only on conflict keeps a query
    off every booking."""
    try:
        with transaction.atomic():
            return insert()
    except IntegrityError:
        if not _expire(stale, now):
            return None
    try:
        with transaction.atomic():
            return insert()
    except IntegrityError:
        return None


def _place_consultation(options, now, build, exclude_appointment_id=None):
    """Takes the best option still free (the insert is the check where the database
    refuses overlaps, else a lock on the counsellor and a re-check under it); on to the
    next option if the counsellor was taken meanwhile."""
    if not options:
        raise ConsultationUnavailable()
    checked_by_insert = _database_refuses_overlaps()
    for option in options:
        if not checked_by_insert:
            _lock_counsellors([option.counsellor_id])
            if not _counsellor_is_free(
                option.counsellor_id, option.start, option.end, now, exclude_appointment_id
            ):
                continue
        stale = Appointment.objects.filter(
            consultation__counsellor_id=option.counsellor_id,
            consultation__start__lt=option.end,
            consultation__end__gt=option.start,
        )
        created = _insert_or_expire_and_retry(lambda option=option: build(option), stale, now)
        if created is not None:
            return created
    raise ConsultationUnavailable()


def _is_deadlock(error) -> bool:
    """PostgreSQL aborted one of two transactions that waited for each other's locks
    (possible only when two bookings both lost a race and moved on to a next candidate)."""
    return getattr(error.__cause__, "sqlstate", None) == "40P01"


def _alternatives(service, start, now, consultation_request=None, location=None, count=5):
    """The free slots nearest to ``start`` (a week either side), preferring those where the
    requested consultation fits too."""
    if service is None:
        return []
    slots = engine.nearest_slots(
        service,
        start,
        count=None,
        now=now,
        location=location,
        with_consultation=consultation_request is not None,
        **_engine_kwargs(consultation_request),
    )
    if consultation_request is not None:
        with_consultation = [slot for slot in slots if slot.consultation]
        slots = with_consultation or slots
    return slots[:count]


def _new_consultation(
    appointment, option, language, topics, interpreter, status, now, confirmed_at=None
):
    consultation = ConsultationBooking.objects.create(
        confirmed_at=confirmed_at,
        appointment=appointment,
        counsellor_id=option.counsellor_id,
        room_id=option.room_id,
        start=option.start,
        end=option.end,
        position=option.position,
        language=language or _interpreter_language(),
        interpreter=interpreter,
        status=status,
    )
    if topics:
        consultation.topics.set(topics)
    return consultation


def _interpreter_language():
    language, _created = Language.objects.get_or_create(
        code="de", defaults={"english_name": "German", "native_name": "Deutsch", "sort_order": 0}
    )
    return language


# ---------------------------------------------------------------------------------------
# Hold, complete, book
# ---------------------------------------------------------------------------------------


def hold_slot(
    service,
    start: datetime,
    *,
    consultation: ConsultationRequest | None = None,
    now=None,
    client_ip=None,
    strict=False,
    location=None,
) -> Appointment:
    """Holds the slot (and the consultation) for ``hold_minutes`` while the client fills
    in the form. Raises SlotUnavailable (with alternatives) when it is gone."""
    now = now or timezone.now()
    service = get_bookable_service(service)
    start = _aware_utc(start)
    language, topics = check_consultation_request(consultation)
    _check_ip(client_ip, strict)
    with (
        _offering_alternatives(service, start, now, consultation, location),
        transaction.atomic(),
    ):
        return _hold(service, start, consultation, language, topics, now, location)


@contextmanager
def _offering_alternatives(service, start, now, consultation, location=None):
    """Adds the nearest free slots to a SlotUnavailable raised inside. Used *outside* the
    booking transaction: the alternatives are computed after its locks are released (and
    after a failed transaction, which could not run another query)."""
    try:
        yield
    except SlotUnavailable as error:
        if not error.alternatives:
            error.alternatives = _alternatives(service, start, now, consultation, location)
        raise


def _hold(service, start, consultation, language, topics, now, location=None, contact=None):
    """Places the appointment (and consultation) on a free desk (and counsellor). Without
    ``contact`` (name, email, phone, language) as a hold; with it directly in its final
    status, so a one-step booking writes each row once. Runs inside the caller's
    transaction; raises SlotUnavailable / ConsultationUnavailable without alternatives
    (see ``_offering_alternatives``)."""
    slot = engine.slot_at(service, start, now=now, location=location, with_consultation=False)
    if slot is None:
        # A closer look, for a precise message: window and closed days first.
        any_location = location or _first_location(service)
        if any_location is not None:
            _check_window(any_location, start, now)
        raise SlotUnavailable()
    slot_location = engine.location_by_id(slot.location_id)
    schedule = engine.schedule_for(slot_location)
    options = None
    if consultation is not None:
        # Candidates computed before locking; each is checked again under the lock.
        options = engine.consultation_options(
            slot_location, slot.start, slot.end, now=now, **_engine_kwargs(consultation)
        )
        if not options:
            raise ConsultationUnavailable()
    if contact is None:
        status, hold_until, confirmed_at = (
            AppointmentStatus.HELD,
            now + timedelta(minutes=schedule.hold_minutes),
            None,
        )
        consultation_status, fields = ConsultationBookingStatus.HELD, {}
    else:
        status, hold_until, confirmed_at, consultation_status = _final_state(schedule, now)
        name, email, phone, ui_language = contact
        fields = {"name": name, "email": email, "phone": phone, "language": ui_language}
    try:
        appointment = _place_on_desk(
            slot.desk_ids,
            slot.start,
            slot.end,
            now,
            lambda desk_id: Appointment.objects.create(
                location=slot_location,
                service=service,
                desk_id=desk_id,
                start=slot.start,
                end=slot.end,
                status=status,
                hold_expires_at=hold_until,
                confirmed_at=confirmed_at,
                **fields,
            ),
        )
        booked_consultation = None
        if consultation is not None:
            booked_consultation = _place_consultation(
                options,
                now,
                lambda option: _new_consultation(
                    appointment,
                    option,
                    language,
                    topics,
                    consultation.interpreter,
                    consultation_status,
                    now,
                    confirmed_at,
                ),
            )
    except OperationalError as error:
        if not _is_deadlock(error):
            raise
        raise SlotUnavailable() from error
    # Known now, so neither the notifications nor the API answer query for it again.
    _CONSULTATION_FIELD.set_cached_value(appointment, booked_consultation)
    return appointment


def _final_state(schedule, now):
    """(appointment status, expiry, confirmed at, consultation status) of a completed
    booking: final at once, or waiting for the client's confirmation (double opt-in)."""
    if schedule.double_opt_in:
        return (
            AppointmentStatus.PENDING_CONFIRMATION,
            now + timedelta(minutes=schedule.confirmation_minutes),
            None,
            ConsultationBookingStatus.PENDING_CONFIRMATION,
        )
    return AppointmentStatus.BOOKED, None, now, ConsultationBookingStatus.BOOKED


def _first_location(service):
    desk = (
        Desk.objects.filter(services=service, is_active=True)
        .select_related("location")
        .order_by("id")
        .first()
    )
    return desk.location if desk else None


def _engine_kwargs(consultation: ConsultationRequest | None) -> dict:
    if consultation is None:
        return {}
    language = consultation.language_code
    if not language and not consultation.interpreter:
        language = "de"  # no language chosen: a German-speaking counsellor (as recorded)
    return {
        "language": language,
        "topics": consultation.topic_slugs,
        "interpreter": consultation.interpreter,
    }


def complete_booking(
    appointment: Appointment,
    *,
    name,
    email=None,
    phone=None,
    language="de",
    now=None,
    client_ip=None,
    strict=False,
) -> BookingResult:
    """Turns a held appointment into BOOKED, or PENDING_CONFIRMATION when the location
    wants double opt-in. An expired hold still succeeds if nobody took the slot."""
    now = now or timezone.now()
    name, email, phone = normalise_contact(name, email, phone)
    _check_contact_rate(email, phone, strict)
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("location")
            .get(pk=appointment.pk)
        )
        if appointment.status != AppointmentStatus.HELD:
            if appointment.status in (
                AppointmentStatus.BOOKED,
                AppointmentStatus.PENDING_CONFIRMATION,
            ):
                raise NotChangeable(_("This booking has already been made."))
            raise SlotUnavailable(
                alternatives=_alternatives(appointment.service, appointment.start, now)
            )
        _check_open_bookings(email, phone, now, exclude_id=appointment.pk)
        if appointment.hold_expires_at and appointment.hold_expires_at <= now:
            _revalidate_expired_hold(appointment, now)
        result = _finalise(appointment, name, email, phone, language, now)
    return result


def _revalidate_expired_hold(appointment, now):
    """The hold ran out; keep it anyway if the slot (and consultation) is still free."""
    _lock_desk(appointment.desk_id)
    consultation = ConsultationBooking.objects.filter(appointment=appointment).first()
    if consultation is not None:
        _lock_counsellors([consultation.counsellor_id])
    free = _desk_is_free(
        appointment.desk_id, appointment.start, appointment.end, now, appointment.pk
    ) and (
        consultation is None
        or _counsellor_is_free(
            consultation.counsellor_id,
            consultation.start,
            consultation.end,
            now,
            exclude_appointment_id=appointment.pk,
        )
    )
    if not free:
        raise SlotUnavailable(
            alternatives=_alternatives(appointment.service, appointment.start, now)
        )


def consultation_is_known(appointment) -> bool:
    """Whether ``appointment.consultation`` is answered from memory (a booking just placed
    it, or found there is none), so reading it costs no query."""
    return _CONSULTATION_FIELD.is_cached(appointment)


def consultation_of(appointment):
    """The appointment's consultation (the cached instance when there is one), or None."""
    try:
        return appointment.consultation
    except ConsultationBooking.DoesNotExist:
        return None


def _finalise(appointment, name, email, phone, language, now) -> BookingResult:
    schedule = engine.schedule_for(appointment.location)
    appointment.name, appointment.email, appointment.phone = name, email, phone
    appointment.language = (language or "de")[:8]
    status, hold_until, confirmed_at, consultation_status = _final_state(schedule, now)
    appointment.status, appointment.hold_expires_at = status, hold_until
    appointment.confirmed_at = confirmed_at
    appointment.save()
    consultation = consultation_of(appointment)
    if consultation is not None:
        consultation.status = consultation_status
        consultation.confirmed_at = confirmed_at
        consultation.save(update_fields=["status", "confirmed_at"])
    return _announce(appointment, now)


def _announce(appointment, now) -> BookingResult:
    """Tells the notification receivers (after commit) and returns the tokens."""
    confirm_token = None
    if appointment.status == AppointmentStatus.PENDING_CONFIRMATION:
        confirm_token = make_confirm_token(appointment)
        signals.send(
            signals.booking_pending_confirmation,
            appointment=appointment,
            confirm_token=confirm_token,
        )
    else:
        signals.send(signals.booking_confirmed, appointment=appointment)
    return BookingResult(
        appointment=appointment,
        manage_token=make_manage_token(appointment),
        confirm_token=confirm_token,
        consultation=consultation_of(appointment),
    )


def book(
    service,
    start: datetime,
    *,
    name,
    email=None,
    phone=None,
    consultation: ConsultationRequest | None = None,
    language="de",
    now=None,
    client_ip=None,
    strict=False,
    location=None,
) -> BookingResult:
    """Hold and complete in one transaction (the API's way): all or nothing."""
    now = now or timezone.now()
    service = get_bookable_service(service)
    start = _aware_utc(start)
    consultation_language, topics = check_consultation_request(consultation)
    name, email, phone = normalise_contact(name, email, phone)
    _check_ip(client_ip, strict)
    _check_contact_rate(email, phone, strict)
    _check_open_bookings(email, phone, now)
    with (
        _offering_alternatives(service, start, now, consultation, location),
        transaction.atomic(),
    ):
        appointment = _hold(
            service,
            start,
            consultation,
            consultation_language,
            topics,
            now,
            location,
            contact=(name, email, phone, (language or "de")[:8]),
        )
        return _announce(appointment, now)


# ---------------------------------------------------------------------------------------
# After booking: confirm, cancel, move
# ---------------------------------------------------------------------------------------


def _locked(appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("location", "service")
        .get(pk=appointment.pk)
    )


def confirm_booking(appointment: Appointment, *, now=None) -> Appointment:
    """Double opt-in: the client confirmed through the link in time."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = _locked(appointment)
        if appointment.status == AppointmentStatus.BOOKED:
            return appointment  # a second click on the link changes nothing
        if appointment.status != AppointmentStatus.PENDING_CONFIRMATION or (
            appointment.hold_expires_at and appointment.hold_expires_at <= now
        ):
            raise NotChangeable(
                _("The time to confirm this booking has run out. Please book again.")
            )
        appointment.status = AppointmentStatus.BOOKED
        appointment.confirmed_at = now
        appointment.hold_expires_at = None
        appointment.save(update_fields=["status", "confirmed_at", "hold_expires_at"])
        ConsultationBooking.objects.filter(
            appointment=appointment, status=ConsultationBookingStatus.PENDING_CONFIRMATION
        ).update(status=ConsultationBookingStatus.BOOKED, confirmed_at=now)
        signals.send(signals.booking_confirmed, appointment=appointment)
    return appointment


def _revise(appointment):
    """Counts one more revision of what the client was sent (RFC 5545 SEQUENCE: calendar
    apps replace an event only by one with a higher number)."""
    Appointment.objects.filter(pk=appointment.pk).update(revision=F("revision") + 1)
    appointment.revision += 1


def _require_changeable(appointment, now):
    if appointment.status not in CHANGEABLE_APPOINTMENT_STATUSES or appointment.start <= now:
        raise NotChangeable()
    if (
        appointment.status in EXPIRING_STATUSES
        and appointment.hold_expires_at
        and appointment.hold_expires_at <= now
    ):
        raise NotChangeable()


def cancel_booking(appointment: Appointment, *, now=None) -> Appointment:
    """Cancels both parts; the slots are free the moment this commits."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = _locked(appointment)
        _require_changeable(appointment, now)
        appointment.status = AppointmentStatus.CANCELLED
        appointment.cancelled_at = now
        appointment.save(update_fields=["status", "cancelled_at"])
        ConsultationBooking.objects.filter(
            appointment=appointment,
            status__in=[
                ConsultationBookingStatus.HELD,
                ConsultationBookingStatus.PENDING_CONFIRMATION,
                ConsultationBookingStatus.BOOKED,
            ],
        ).update(status=ConsultationBookingStatus.CANCELLED, cancelled_at=now)
        _revise(appointment)
        signals.send(signals.booking_cancelled, appointment=appointment)
    return appointment


def cancel_consultation(appointment: Appointment, *, now=None) -> Appointment:
    """Cancels only the consultation. An appointment booked elsewhere exists here only for
    its consultation, so it is cancelled with it."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = _locked(appointment)
        _require_changeable(appointment, now)
        consultation = (
            ConsultationBooking.objects.select_for_update().filter(appointment=appointment).first()
        )
        if consultation is None or consultation.status in (
            ConsultationBookingStatus.CANCELLED,
            ConsultationBookingStatus.EXPIRED,
        ):
            raise NotChangeable(_("This booking has no consultation to cancel."))
        consultation.status = ConsultationBookingStatus.CANCELLED
        consultation.cancelled_at = now
        consultation.save(update_fields=["status", "cancelled_at"])
        if appointment.is_external:
            appointment.status = AppointmentStatus.CANCELLED
            appointment.cancelled_at = now
            appointment.save(update_fields=["status", "cancelled_at"])
            _revise(appointment)
            signals.send(signals.booking_cancelled, appointment=appointment)
        else:
            _revise(appointment)
            signals.send(signals.booking_moved, appointment=appointment)
    return appointment


def move_booking(
    appointment: Appointment,
    new_start: datetime,
    *,
    keep_consultation=True,
    now=None,
) -> Appointment:
    """Moves the office appointment to ``new_start``; the consultation moves with it (placed
    again around the new time, same language and topics) or is cancelled. If no
    consultation fits the new time, nothing changes (ConsultationUnavailable)."""
    now = now or timezone.now()
    new_start = _aware_utc(new_start)
    with transaction.atomic():
        appointment = _locked(appointment)
        _require_changeable(appointment, now)
        if appointment.is_external or appointment.service is None:
            raise NotChangeable(
                _("This appointment was booked elsewhere; only the consultation can be moved.")
            )
        consultation = (
            ConsultationBooking.objects.select_for_update()
            .filter(appointment=appointment, status__in=_live_consultation_statuses())
            .first()
        )
        request = None
        if consultation is not None and keep_consultation:
            request = ConsultationRequest(
                language_code=consultation.language.code,
                topic_slugs=tuple(consultation.topics.values_list("slug", flat=True)),
                interpreter=consultation.interpreter,
            )
        service = appointment.service
        slot = engine.slot_at(
            service,
            new_start,
            now=now,
            location=appointment.location,
            with_consultation=request is not None,
            exclude_appointment_id=appointment.pk,
            **_engine_kwargs(request),
        )
        if slot is None:
            _check_window(appointment.location, new_start, now)
            raise SlotUnavailable(
                alternatives=_alternatives(service, new_start, now, request, appointment.location)
            )
        if request is not None and slot.consultation is None:
            raise ConsultationUnavailable(
                alternatives=_alternatives(service, new_start, now, request, appointment.location)
            )

        def relocate(desk_id):
            appointment.desk_id = desk_id
            appointment.start, appointment.end = slot.start, slot.end
            appointment.reminder_sent_at = None
            appointment.save(update_fields=["desk", "start", "end", "reminder_sent_at"])
            return appointment

        _place_on_desk(slot.desk_ids, slot.start, slot.end, now, relocate, appointment.pk)
        if consultation is not None:
            if request is None:
                consultation.status = ConsultationBookingStatus.CANCELLED
                consultation.cancelled_at = now
                consultation.save(update_fields=["status", "cancelled_at"])
            else:
                options = engine.consultation_options(
                    appointment.location,
                    slot.start,
                    slot.end,
                    now=now,
                    exclude_appointment_id=appointment.pk,
                    **_engine_kwargs(request),
                )
                _place_consultation(
                    options,
                    now,
                    lambda option: _reassign(consultation, option),
                    exclude_appointment_id=appointment.pk,
                )
        _revise(appointment)
        signals.send(signals.booking_moved, appointment=appointment)
    return appointment


def _live_consultation_statuses():
    return [
        ConsultationBookingStatus.HELD,
        ConsultationBookingStatus.PENDING_CONFIRMATION,
        ConsultationBookingStatus.BOOKED,
    ]


def _reassign(consultation, option):
    consultation.counsellor_id = option.counsellor_id
    consultation.room_id = option.room_id
    consultation.start, consultation.end = option.start, option.end
    consultation.position = option.position
    consultation.save(update_fields=["counsellor", "room", "start", "end", "position"])
    return consultation


def move_consultation(appointment: Appointment, new_start: datetime, *, now=None):
    """Moves only the consultation, to the other side of the office appointment (the only
    places it may be: directly before or after)."""
    now = now or timezone.now()
    new_start = _aware_utc(new_start)
    with transaction.atomic():
        appointment = _locked(appointment)
        _require_changeable(appointment, now)
        consultation = (
            ConsultationBooking.objects.select_for_update()
            .filter(appointment=appointment, status__in=_live_consultation_statuses())
            .first()
        )
        if consultation is None:
            raise NotChangeable(_("This booking has no consultation to move."))
        options = [
            option
            for option in engine.consultation_options(
                appointment.location,
                appointment.start,
                appointment.end,
                language=consultation.language.code,
                topics=tuple(consultation.topics.values_list("slug", flat=True)),
                interpreter=consultation.interpreter,
                now=now,
                exclude_appointment_id=appointment.pk,
            )
            if option.start == new_start
        ]
        if not options:
            raise ConsultationUnavailable()
        _place_consultation(
            options,
            now,
            lambda option: _reassign(consultation, option),
            exclude_appointment_id=appointment.pk,
        )
        _revise(appointment)
        signals.send(signals.booking_moved, appointment=appointment)
    return appointment


def add_consultation_to_external(
    location,
    start: datetime,
    end: datetime,
    reference: str,
    consultation_request: ConsultationRequest,
    name,
    email=None,
    phone=None,
    language="de",
    *,
    now=None,
    client_ip=None,
    strict=False,
) -> BookingResult:
    """A consultation around an office appointment booked in another system."""
    now = now or timezone.now()
    start, end = _aware_utc(start), _aware_utc(end)
    if end <= start or end - start > timedelta(hours=8):
        raise OutsideBookingWindow(_("Please check the time of your appointment."))
    reference = (reference or "").strip()[:100]
    consultation_request = consultation_request or ConsultationRequest(None)
    consultation_language, topics = check_consultation_request(consultation_request)
    name, email, phone = normalise_contact(name, email, phone)
    _check_ip(client_ip, strict)
    _check_contact_rate(email, phone, strict)
    _check_open_bookings(email, phone, now)
    _check_window(location, start, now)
    with transaction.atomic():
        schedule = engine.schedule_for(location)
        appointment = Appointment.objects.create(
            location=location,
            service=None,
            desk=None,
            start=start,
            end=end,
            status=AppointmentStatus.HELD,
            hold_expires_at=now + timedelta(minutes=schedule.hold_minutes),
            is_external=True,
            external_reference=reference,
        )
        options = engine.consultation_options(
            location, start, end, now=now, **_engine_kwargs(consultation_request)
        )
        _place_consultation(
            options,
            now,
            lambda option: _new_consultation(
                appointment,
                option,
                consultation_language,
                topics,
                consultation_request.interpreter,
                ConsultationBookingStatus.HELD,
                now,
            ),
        )
        return _finalise(appointment, name, email, phone, language, now)


def release_expired_holds(now=None) -> int:
    """Marks every stale hold and unconfirmed booking as expired; returns how many. Not
    needed for correctness (the engine ignores stale holds), it keeps the tables tidy."""
    now = now or timezone.now()
    with transaction.atomic():
        return _expire(Appointment.objects.all(), now)
