"""“Lost your link?”: the booking code plus the contact the client booked with (e-mail
address or mobile number) sends a new private link to that contact.

Never telling whether a code exists: the request is checked for its form only, counted
against ``limits.check_lost_link`` (per address, per code, per contact — whether or not
the code exists) and handed to the task queue (``signals.new_link_requested``); nothing on
the request's path reads a booking. The answer is the same page (or the same JSON) for a
code that exists, one that does not and a contact that does not match, and it takes the
same time, because the lookup happens later, in the worker (``send_new_link``).

The link goes only to the contact stored with the booking, never to an address typed into
the form: a stranger who knows a code can at most make its owner receive their own link.
"""

import re
from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import limits, notifications, signals
from .channels import EMAIL, SMS
from .errors import BookingError, InvalidContact
from .inputs import email_identity
from .models import CODE_ALPHABET, CODE_LENGTH, Appointment, AppointmentStatus
from .tokens import GRACE_AFTER_END

CODE_PATTERN = re.compile(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
# What people type around a code they read out or copy: spaces and hyphens.
CODE_SEPARATORS = re.compile(r"[\s\-–·.]+")
LINK_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.PENDING_CONFIRMATION)


class InvalidBookingCode(BookingError):
    code = "invalid_booking_code"
    status = 422
    default_message = _(
        "Please enter the booking code as it is written in your confirmation "
        "(10 letters and digits)."
    )


@dataclass(frozen=True)
class LostLinkRequest:
    code: str
    email: str
    phone: str

    @property
    def contact_identity(self) -> str:
        return email_identity(self.email) if self.email else self.phone


def normalise_code(text: str | None) -> str:
    code = CODE_SEPARATORS.sub("", (text or "")).upper()
    if not CODE_PATTERN.match(code):
        raise InvalidBookingCode(field="code")
    return code


def normalise_contact(text: str | None) -> tuple[str, str]:
    """(email, phone): an e-mail address in lower case, or a mobile number in E.164."""
    contact = (text or "").strip()
    if not contact:
        raise InvalidContact(
            _("Please enter the e-mail address or mobile number you booked with."),
            field="contact",
        )
    if "@" in contact:
        try:
            validate_email(contact)
        except ValidationError as error:
            raise InvalidContact(
                _("Please enter a valid e-mail address."), field="contact"
            ) from error
        if len(contact) > 254:
            raise InvalidContact(_("Please enter a valid e-mail address."), field="contact")
        return contact.lower(), ""
    try:
        number = phonenumbers.parse(contact, "DE")
    except phonenumbers.NumberParseException as error:
        raise InvalidContact(_("Please enter a valid mobile number."), field="contact") from error
    if not phonenumbers.is_valid_number(number):
        raise InvalidContact(_("Please enter a valid mobile number."), field="contact")
    return "", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse(code: str | None, contact: str | None) -> LostLinkRequest:
    """The request in its normal form, or a ``BookingError`` naming the field (its form
    only: nothing here tells whether the code exists)."""
    code = normalise_code(code)
    email, phone = normalise_contact(contact)
    return LostLinkRequest(code, email, phone)


def request_new_link(code: str | None, contact: str | None, client_ip: str | None):
    """Counts the request and queues the new link; the same for every code. Returns the
    normalised request (to say where the link went, in the client's own words)."""
    request = parse(code, contact)
    limits.check_lost_link(request.code, request.contact_identity, client_ip)
    signals.send(
        signals.new_link_requested, code=request.code, email=request.email, phone=request.phone
    )
    return request


def matching_booking(request: LostLinkRequest, now=None):
    """The booking of ``request`` if it exists, still has a link and was made with this
    contact; otherwise None."""
    now = now or timezone.now()
    appointment = (
        Appointment.objects.select_related("location", "service")
        .filter(code=request.code, status__in=LINK_STATUSES, end__gt=now - GRACE_AFTER_END)
        .first()
    )
    if appointment is None:
        return None
    if (
        request.email
        and appointment.email
        and email_identity(appointment.email) == email_identity(request.email)
    ):
        return appointment
    if request.phone and appointment.phone == request.phone:
        return appointment
    return None


def send_new_link(code: str, email: str, phone: str) -> bool:
    """In the worker: the new link to the booking's own contact, by the channel the client
    named; nothing when the code or the contact does not match. Returns whether it sent."""
    request = LostLinkRequest(code, email, phone)
    appointment = matching_booking(request)
    if appointment is None:
        return False
    channel = EMAIL if request.email else SMS
    notifications.send_booking_message(appointment, "lost_link", via=(channel,))
    return True
