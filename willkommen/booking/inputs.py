"""Checking what a client asks for, before anything is written: the concern, the
consultation's language and topics, the contact (with its mailbox identity for the
per-contact limits), the time and the booking window, and the limits on new bookings.
Each check raises a ``BookingError`` with a message in the client's language; none
writes anything (docs/booking.md, "bad input changes nothing")."""

from dataclasses import dataclass
from datetime import UTC, datetime

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from willkommen import clock
from willkommen.organisations.models import Desk, Language, OfficeService, Topic
from willkommen.scheduling import config_cache
from willkommen.scheduling.calendar import (
    booking_window,
    closed_days,
    schedule_for,
    service_by_id,
)

from . import limits
from .errors import (
    InvalidContact,
    OutsideBookingWindow,
    TooManyOpenBookings,
    UnknownLanguage,
    UnknownService,
    UnknownTopic,
)
from .models import (
    EXPIRING_STATUSES,
    Appointment,
    AppointmentStatus,
)


class DayClosed(OutsideBookingWindow):
    code = "day_closed"
    default_message = _("The office is closed on this day. Please choose another day.")


@dataclass(frozen=True)
class ConsultationRequest:
    """What the client asks for in the add-on consultation."""

    language_code: str | None
    topic_slugs: tuple[str, ...] = ()
    interpreter: bool = False

    @classmethod
    def from_choices(cls, language, topics, interpreter) -> "ConsultationRequest":
        """From what a form, the session or the API carries: an empty language means
        none, topics become a tuple, the interpreter flag a bool."""
        return cls(
            language_code=language or None,
            topic_slugs=tuple(topics or ()),
            interpreter=bool(interpreter),
        )


def get_bookable_service(service_or_id) -> OfficeService:
    if isinstance(service_or_id, OfficeService):
        service = service_or_id
    else:
        try:
            service_id = int(service_or_id)
            if not 0 < service_id < 2**63:  # beyond any id; PostgreSQL would refuse it
                raise ValueError(service_id)
            service = service_by_id(service_id)
        except (OfficeService.DoesNotExist, TypeError, ValueError) as error:
            raise UnknownService() from error
    if not service.bookable_online:
        raise UnknownService()
    return service


def check_consultation_request(request: ConsultationRequest | None):
    """Returns (Language or None, [Topic]) or raises UnknownLanguage / UnknownTopic. The
    languages and topics come from the configuration memo (they change a few times a year;
    every booking and request with a consultation reads them). Read-only instances."""
    if request is None:
        return None, []
    languages, topics_by_slug = consultation_vocabulary()
    language = None
    if request.language_code:
        language = languages.get(request.language_code)
        if language is None:
            raise UnknownLanguage()
    elif not request.interpreter:
        # A consultation needs a language to match the counsellor; default to German.
        language = languages.get("de")
    slugs = sorted(set(request.topic_slugs or ()))
    if any(slug not in topics_by_slug for slug in slugs):
        raise UnknownTopic()
    return language, [topics_by_slug[slug] for slug in slugs]


def consultation_vocabulary():
    """({code: Language}, {slug: active Topic})."""

    def build():
        return (
            {language.code: language for language in Language.objects.all()},
            {topic.slug: topic for topic in Topic.objects.filter(is_active=True)},
        )

    return config_cache.memoised(("consultation-vocabulary",), build)


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


def aware_utc(moment: datetime) -> datetime:
    if timezone.is_naive(moment):
        raise OutsideBookingWindow(_("Please give the time with its UTC offset."))
    return moment.astimezone(UTC)


def check_window(location, start: datetime, now: datetime):
    schedule = schedule_for(location)
    window = booking_window(schedule, now)
    day = clock.local_day(start)
    if day < window.first_day or day > window.last_day or start < window.earliest_start:
        raise OutsideBookingWindow()
    if day in closed_days(location, day, day):
        raise DayClosed()
    return schedule


# Mail providers that deliver ``a.b@`` and ``ab@`` to the same mailbox.
DOTS_IGNORED = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def email_identity(email: str | None) -> str:
    """The mailbox behind an address, for the per-contact limits: lower case, without a
    sub-address (``name+anything@``, which nearly every provider delivers to ``name@``),
    and without dots where the provider ignores them. Variants of one mailbox then count
    as one. Mail is still sent to the address exactly as given."""
    email = (email or "").strip().lower()
    local, at, domain = email.rpartition("@")
    if not at or not local:
        return email
    local = local.split("+", 1)[0] or local
    if domain in DOTS_IGNORED:
        local, domain = local.replace(".", ""), DOTS_IGNORED[domain]
    return f"{local}@{domain}"


def check_ip(client_ip, strict=False):
    limits.check_address(client_ip, strict)


def check_contact_rate(email, phone, strict=False):
    limits.check_contact(email_identity(email) if email else None, phone, strict)


def open_bookings_of(email, phone, now, exclude_id=None):
    contact = Q()
    if email:
        contact |= Q(contact_key=email_identity(email))
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


def check_open_bookings(email, phone, now, exclude_id=None):
    maximum = getattr(settings, "BOOKING_MAX_OPEN_PER_CONTACT", 2)
    if open_bookings_of(email, phone, now, exclude_id).count() >= maximum:
        raise TooManyOpenBookings()


def first_location(service):
    desk = (
        Desk.objects.filter(services=service, is_active=True)
        .select_related("location")
        .order_by("id")
        .first()
    )
    return desk.location if desk else None


def duty_kwargs(consultation: ConsultationRequest | None) -> dict:
    """What decides whether a consultation is offered: its language, or an interpreter."""
    if consultation is None:
        return {}
    language = consultation.language_code
    if not language and not consultation.interpreter:
        language = "de"  # no language chosen: a German-speaking counsellor (as recorded)
    return {"language": language, "interpreter": consultation.interpreter}


def engine_kwargs(consultation: ConsultationRequest | None) -> dict:
    if consultation is None:
        return {}
    return {**duty_kwargs(consultation), "topics": consultation.topic_slugs}


def consultation_request_of(consultation) -> ConsultationRequest | None:
    """What a booked consultation asked for (to place it again after a move)."""
    if consultation is None:
        return None
    return ConsultationRequest(
        language_code=consultation.language.code,
        topic_slugs=tuple(consultation.topics.values_list("slug", flat=True)),
        interpreter=consultation.interpreter,
    )


def interpreter_language():
    language, _created = Language.objects.get_or_create(
        code="de", defaults={"english_name": "German", "native_name": "Deutsch", "sort_order": 0}
    )
    return language
