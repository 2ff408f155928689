"""The messages of a request, in its client's language, to its one contact: the link that
confirms it, and the outcome of the draw. A winner gets the booking's own confirmation
(calendar file and manage link) from booking's notifications."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from willkommen.bidi import isolate_text
from willkommen.booking import notifications as booking_notifications
from willkommen.booking.sms import send_sms

from .models import ReleaseRound, RequestStatus
from .tokens import make_status_token

SUBJECTS = {
    "confirm_request": lambda: _(
        "Please confirm your request for the appointment draw: %(number)s"
    ),
    "not_drawn": lambda: _("Not drawn this time: %(number)s"),
}


def status_url(request) -> str:
    path = reverse("release:status", kwargs={"number": request.number})
    return booking_notifications.absolute_url(
        path, token=make_status_token(request), lang=request.language
    )


def confirm_url(request, confirm_token) -> str:
    path = reverse("release:confirm", kwargs={"number": request.number})
    return booking_notifications.absolute_url(path, token=confirm_token, lang=request.language)


def next_round_of(release_round):
    """The next round at the same location that has not opened its window yet."""
    return (
        ReleaseRound.objects.filter(
            location=release_round.location, opens_at__gt=release_round.closes_at
        )
        .exclude(pk=release_round.pk)
        .order_by("opens_at")
        .first()
    )


def send_request_message(request, kind: str, **extra) -> None:
    with translation.override(request.language or settings.LANGUAGE_CODE):
        context = {
            "request": request,
            "round": request.round,
            "location": request.round.location,
            "status_url": status_url(request),
            "site_name": settings.WILLKOMMEN_SITE_NAME,
            "operator_name": settings.WILLKOMMEN_OPERATOR_NAME,
            **extra,
        }
        if "confirm_token" in extra:
            context["confirm_url"] = confirm_url(request, extra["confirm_token"])
        subject = SUBJECTS[kind]() % {"number": isolate_text(request.number)}
        if request.email:
            text = render_to_string(f"release/email/{kind}.txt", context)
            EmailMultiAlternatives(subject, text, to=[request.email]).send()
        elif request.phone:
            link = context.get("confirm_url") or context["status_url"]
            send_sms(request.phone, f"{subject}\n{link}")


def send_outcome(request) -> None:
    if request.status == RequestStatus.ALLOCATED and request.appointment is not None:
        booking_notifications.send_booking_message(request.appointment, "confirmation")
    elif request.status == RequestStatus.NOT_DRAWN:
        send_request_message(request, "not_drawn", next_round=next_round_of(request.round))
