"""Telling the client about their booking: e-mail (plain text + HTML, in the client's
language), an iCalendar file (RFC 5545) with both parts, and SMS through a pluggable backend.

Nothing here decides anything about a booking; ``tasks.py`` calls these functions after the
booking services have committed. The office never receives any of these messages, so the
consultation may appear in them: they go only to the client.
"""

from datetime import UTC

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vText

from willkommen.bidi import isolate_text

from .channels import EMAIL, SMS, channels_for
from .consultation_time import consultation_of
from .models import AppointmentStatus, ConsultationBookingStatus
from .sms import send_sms
from .tokens import make_manage_token

ICS_CONTENT_TYPE = "text/calendar"
UID_DOMAIN = "willkommen"


def absolute_url(path: str, **query) -> str:
    query = {key: value for key, value in query.items() if value}
    suffix = f"?{urlencode(query)}" if query else ""
    return f"{settings.WILLKOMMEN_PUBLIC_URL}{path}{suffix}"


def manage_url(appointment, token=None) -> str:
    token = token or make_manage_token(appointment)
    path = reverse("booking:manage", kwargs={"code": appointment.code})
    return absolute_url(path, token=token, lang=appointment.language)


def book_url(language=None) -> str:
    """Where a client books a new time (after a cancellation the client did not ask for)."""
    return absolute_url(reverse("booking:start"), lang=language)


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
    lines = "\n".join(f"- {isolate_text(document)}" for document in service.documents_list)
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
        "location",
        vText(
            f"{isolate_text(appointment.location.name)}, "
            f"{isolate_text(appointment.location.address_line)}"
        ),
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
    directions = isolate_text(appointment.location.directions)
    code_line = _("Booking code: %(code)s") % {"code": isolate_text(appointment.code)}
    if not appointment.is_external:
        service_name = isolate_text(appointment.service.name) if appointment.service else ""
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
        # No room and no counsellor: both are given privately and may change, and nothing
        # the client holds may depend on other people's consultations (docs/security.md).
        waiting_area = _(
            "A counsellor calls you in the waiting area at this time. If all counsellors "
            "are still busy, booked clients are called first."
        )
        parts = [code_line, waiting_area, directions]
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
    "moved_without_consultation": lambda: _(
        "Your appointment was moved, your consultation was cancelled: %(code)s"
    ),
    "consultation_moved": lambda: _("Your consultation was moved: %(code)s"),
    "consultation_cancelled": lambda: _("Your consultation was cancelled: %(code)s"),
    "cancelled": lambda: _("Your appointment was cancelled: %(code)s"),
    "reminder": lambda: _("Reminder: your appointment tomorrow (%(code)s)"),
    # The office changed an appointment held in its own system (``office_follow``).
    "office_moved": lambda: _("The office moved your appointment: %(code)s"),
    "office_moved_no_consultation": lambda: _(
        "The office moved your appointment, your consultation was cancelled: %(code)s"
    ),
    "office_cancelled": lambda: _("The office cancelled your appointment: %(code)s"),
    # "Lost your link?" (``lost_link``).
    "lost_link": lambda: _("Your link to your booking: %(code)s"),
}
# Which messages carry the .ics file.
WITH_ICS = {
    "confirmation",
    "moved",
    "moved_without_consultation",
    "consultation_moved",
    "consultation_cancelled",
    "cancelled",
    "reminder",
    "office_moved",
    "office_moved_no_consultation",
    "office_cancelled",
}


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


def send_booking_message(appointment, kind: str, via=None, **extra) -> None:
    """Sends message ``kind`` in the client's language by e-mail, SMS or both: where it
    suits when the client gave both contacts (``channels``). ``via`` overrides the choice
    (still only to contacts given), e.g. to render every channel in a test."""
    channels = channels_for(kind, appointment.email, appointment.phone)
    if via is not None:
        channels = tuple(
            channel
            for channel in via
            if (channel == EMAIL and appointment.email) or (channel == SMS and appointment.phone)
        )
    with translation.override(appointment.language or settings.LANGUAGE_CODE):
        context = message_context(appointment, **extra)
        subject = SUBJECTS[kind]() % {"code": isolate_text(appointment.code)}
        if EMAIL in channels:
            text = render_to_string(f"booking/email/{kind}.txt", context)
            html = render_to_string(f"booking/email/{kind}.html", context)
            message = EmailMultiAlternatives(subject, text, to=[appointment.email])
            message.attach_alternative(html, "text/html")
            if kind in WITH_ICS:
                message.attach(
                    ics_filename(appointment),
                    build_ics(appointment),
                    f"{ICS_CONTENT_TYPE}; charset=utf-8; method="
                    + ("CANCEL" if _is_cancelled(appointment) else "PUBLISH"),
                )
            message.send()
        if SMS in channels:
            send_sms(appointment.phone, sms_text(kind, context, subject))


def _is_cancelled(appointment) -> bool:
    """The calendar file's METHOD (``build_ics``) and its MIME header say the same."""
    return appointment.status in (AppointmentStatus.CANCELLED, AppointmentStatus.EXPIRED)


def sms_text(kind: str, context: dict, subject: str) -> str:
    """A short SMS: subject, the time, and the one link that matters."""
    appointment = context["appointment"]
    start = timezone.localtime(appointment.start)
    when = _("%(date)s at %(time)s") % {
        "date": isolate_text(date_format(start, "SHORT_DATE_FORMAT")),
        "time": isolate_text(time_format(start, "H:i")),
    }
    link = context.get("confirm_url") if kind == "confirm_request" else context.get("manage_url")
    # The link stands on a line of its own: no direction mark may touch it, since phones
    # that turn it into a link would take the mark into the address.
    text = " ".join(part for part in (subject, when) if part)
    return f"{text}\n{link}" if link else text
