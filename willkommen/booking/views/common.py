"""What the client's pages share: the session keys, the 429 page, the captcha check
with its no-JavaScript fallback, one-time form tokens, and small parsers."""

import secrets

from django.shortcuts import redirect

from willkommen import inputs
from willkommen.organisations.models import Desk, DeskKind, OfficeService

from .. import captcha, link_session, services

DAYS_SHOWN = 14


CHOICE_SESSION_KEY = "booking_choice"


FORM_TOKENS_SESSION_KEY = "booking_form_tokens"


DONE_SESSION_KEY = "booking_done"


CAPTCHA_FIELD = "altcha"


def captcha_check(request):
    """Returns ``strict``: the ALTCHA widget's solution when JavaScript ran (a bad one is
    refused); without JavaScript no solution arrives, and the booking goes through under
    stricter rate limits instead (the accessible fallback, see docs/booking.md)."""
    payload = request.POST.get(CAPTCHA_FIELD)
    if not payload:
        return True
    if not captcha.verify_solution(payload):
        raise services.CaptchaInvalid()
    return False


def bookable_services():
    return OfficeService.objects.filter(bookable_online=True, desks__is_active=True).distinct()


def location_of(service):
    desk = (
        Desk.objects.filter(services=service, is_active=True, kind=DeskKind.OFFICE_DESK)
        .select_related("location")
        .order_by("id")
        .first()
    )
    return desk.location if desk else None


def parse_start(text):
    return inputs.parse_aware_datetime(text)


def parse_day(text):
    try:
        return inputs.parse_date(text)
    except ValueError:
        return None


def consultation_hidden(consultation):
    """The consultation request as hidden fields, so that picking an alternative time keeps
    the consultation the client asked for."""
    if consultation is None:
        return []
    hidden = [("consultation", "on"), ("language", consultation.language_code or "")]
    hidden += [("topics", slug) for slug in consultation.topic_slugs]
    if consultation.interpreter:
        hidden.append(("interpreter", "on"))
    return hidden


def issue_form_token(request):
    token = secrets.token_urlsafe(16)
    tokens = request.session.get(FORM_TOKENS_SESSION_KEY, [])[-9:]
    request.session[FORM_TOKENS_SESSION_KEY] = [*tokens, token]
    return token


def form_token_issued(request, token):
    """Whether this session was given ``token`` and has not spent it yet."""
    return bool(token) and token in request.session.get(FORM_TOKENS_SESSION_KEY, [])


def spend_form_token(request, token):
    tokens = request.session.get(FORM_TOKENS_SESSION_KEY, [])
    if token not in tokens:
        return False
    tokens.remove(token)
    request.session[FORM_TOKENS_SESSION_KEY] = tokens
    return True


def done_redirect(request, code, token):
    """To the confirmation page, its token kept in the session rather than the address
    (``link_session``)."""
    link_session.remember(request, code, token)
    return redirect("booking:done", code=code)
