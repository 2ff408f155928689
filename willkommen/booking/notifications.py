"""Telling the client about their booking: e-mail (plain text + HTML, in the client's
language), an iCalendar file (RFC 5545) with both parts, and SMS through a pluggable backend.

Nothing here decides anything about a booking; ``tasks.py`` calls these functions after the
booking services have committed. The office never receives any of these messages, so the
consultation may appear in them: they go only to the client.
"""

from datetime import UTC

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vText

from .models import AppointmentStatus, ConsultationBookingStatus
from .sms import send_sms
from .tokens import make_manage_token

ICS_CONTENT_TYPE = "text/calendar"
UID_DOMAIN = "willkommen"


def consultation_of(appointment):
    """The consultation booked with ``appointment``, or None (the reverse one-to-one raises
    when there is none)."""
    try:
        return appointment.consultation
    except ObjectDoesNotExist:
        return None


def absolute_url(path: str, **query) -> str:
    query = {key: value for key, value in query.items() if value}
    suffix = f"?{urlencode(query)}" if query else ""
    return f"{settings.WILLKOMMEN_PUBLIC_URL}{path}{suffix}"


def manage_url(appointment, token=None) -> str:
    token = token or make_manage_token(appointment)
    path = reverse("booking:manage", kwargs={"code": appointment.code})
    return absolute_url(path, token=token, lang=appointment.language)


def confirm_url(appointment, confirm_token: str) -> str:
    path = reverse("booking:confirm", kwargs={"code": appointment.code})
    return absolute_url(path, token=confirm_token, lang=appointment.language)


# iCalendar ------------------------------------------------------------------------------


def _uid(appointment, part: str) -> str:
    return f"{appointment.code}-{part}@{UID_DOMAIN}"


def _sequence(appointment, now) -> int:
    """RFC 5545 wants SEQUENCE to grow with every revision the organiser sends: the
    booking's revision counter, raised by every move and cancellation."""
    return appointment.revision


def _documents_text(service) -> str:
    if service is None or not service.documents_list:
        return ""
    lines = "\n".join(f"- {document}" for document in service.documents_list)
    return f"{_('Please bring')}:\n{lines}"


def _event(appointment, *, part, summary, start, end, description, cancelled, now):
    event = Event()
    event.add("uid", _uid(appointment, part))
    event.add("dtstamp", now)
    event.add("dtstart", start.astimezone(UTC))
    event.add("dtend", end.astimezone(UTC))
    event.add("sequence", _sequence(appointment, now))
    event.add("summary", summary)
    event.add(
        "location", vText(f"{appointment.location.name}, {appointment.location.address_line}")
    )
    event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def build_ics(appointment, now=None) -> bytes:
    """The booking as an iCalendar file: one VEVENT for the office appointment (unless it was
    booked in another system) and one for the consultation, if there is one. Stable UIDs per
    part let calendar apps update or cancel the right event; a cancelled booking is sent with
    METHOD:CANCEL and STATUS:CANCELLED."""
    now = (now or timezone.now()).astimezone(UTC).replace(microsecond=0)
    booking_cancelled = appointment.status in (
        AppointmentStatus.CANCELLED,
        AppointmentStatus.EXPIRED,
    )
    consultation = consultation_of(appointment)
    calendar = Calendar()
    calendar.add("prodid", "-//Willkommen//Online booking//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if booking_cancelled else "PUBLISH")
    directions = appointment.location.directions
    code_line = _("Booking code: %(code)s") % {"code": appointment.code}
    if not appointment.is_external:
        service_name = appointment.service.name if appointment.service else ""
        parts = [service_name, code_line, _documents_text(appointment.service), directions]
        calendar.add_component(
            _event(
                appointment,
                part="office",
                summary=_("Appointment at the immigration office: %(service)s")
                % {"service": service_name},
                start=appointment.start,
                end=appointment.end,
                description="\n\n".join(part for part in parts if part),
                cancelled=booking_cancelled,
                now=now,
            )
        )
    if consultation is not None:
        consultation_cancelled = booking_cancelled or consultation.status in (
            ConsultationBookingStatus.CANCELLED,
            ConsultationBookingStatus.EXPIRED,
        )
        room = _("Room: %(room)s") % {"room": consultation.room.name} if consultation.room else ""
        parts = [code_line, room, directions]
        calendar.add_component(
            _event(
                appointment,
                part="consultation",
                summary=_("Consultation of the welcome service"),
                start=consultation.start,
                end=consultation.end,
                description="\n\n".join(part for part in parts if part),
                cancelled=consultation_cancelled,
                now=now,
            )
        )
    return calendar.to_ical()


def ics_filename(appointment) -> str:
    return f"booking-{appointment.code}.ics"


# E-mail and SMS -------------------------------------------------------------------------

SUBJECTS = {
    "confirmation": lambda: _("Your appointment is booked: %(code)s"),
    "confirm_request": lambda: _("Please confirm your booking: %(code)s"),
    "moved": lambda: _("Your appointment was moved: %(code)s"),
    "cancelled": lambda: _("Your appointment was cancelled: %(code)s"),
    "reminder": lambda: _("Reminder: your appointment tomorrow (%(code)s)"),
}
# Which messages carry the .ics file.
WITH_ICS = {"confirmation", "moved", "cancelled", "reminder"}


def message_context(appointment, **extra) -> dict:
    consultation = consultation_of(appointment)
    if consultation is not None and consultation.status in (
        ConsultationBookingStatus.CANCELLED,
        ConsultationBookingStatus.EXPIRED,
    ):
        consultation = None
    context = {
        "appointment": appointment,
        "consultation": consultation,
        "location": appointment.location,
        "service": appointment.service,
        "documents": appointment.service.documents_list if appointment.service else [],
        "site_name": settings.WILLKOMMEN_SITE_NAME,
        "operator_name": settings.WILLKOMMEN_OPERATOR_NAME,
    }
    if appointment.status not in (AppointmentStatus.CANCELLED, AppointmentStatus.EXPIRED):
        context["manage_url"] = manage_url(appointment)
    context.update(extra)
    return context


def send_booking_message(appointment, kind: str, **extra) -> None:
    """Sends message ``kind`` by e-mail and/or SMS (whatever contact the client gave), in the
    client's language."""
    with translation.override(appointment.language or settings.LANGUAGE_CODE):
        context = message_context(appointment, **extra)
        subject = SUBJECTS[kind]() % {"code": appointment.code}
        if appointment.email:
            text = render_to_string(f"booking/email/{kind}.txt", context)
            html = render_to_string(f"booking/email/{kind}.html", context)
            message = EmailMultiAlternatives(subject, text, to=[appointment.email])
            message.attach_alternative(html, "text/html")
            if kind in WITH_ICS:
                message.attach(
                    ics_filename(appointment),
                    build_ics(appointment),
                    f"{ICS_CONTENT_TYPE}; charset=utf-8; method="
                    + ("CANCEL" if kind == "cancelled" else "PUBLISH"),
                )
            message.send()
        if appointment.phone:
            send_sms(appointment.phone, sms_text(kind, context, subject))


def sms_text(kind: str, context: dict, subject: str) -> str:
    """A short SMS: subject, the time, and the one link that matters."""
    appointment = context["appointment"]
    start = timezone.localtime(appointment.start)
    when = _("%(date)s at %(time)s") % {
        "date": date_format(start, "SHORT_DATE_FORMAT"),
        "time": time_format(start, "H:i"),
    }
    link = context.get("confirm_url") if kind == "confirm_request" else context.get("manage_url")
    return " ".join(part for part in (subject, when, link or "") if part)
