"""The client's booking flow under /book/: plain forms and POST/redirect/GET, so it works on
any phone without JavaScript. The rules live in ``services.py`` and ``scheduling.slots``;
these views translate between pages and those calls, and show every ``BookingError`` as a
message in the client's language on the page it came from.

Flow: concern → what to bring, day, optional consultation, time (the slot is *held*) →
name, one contact, privacy notice, captcha → confirmation page with the private manage link.
"""

import contextlib
import secrets
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from willkommen.organisations.models import Desk, DeskKind, OfficeService
from willkommen.scheduling import slots as engine
from willkommen.scheduling.shifts import LOCAL_ZONE, local_datetime

from . import captcha, limits, notifications, services
from .errors import BookingError, InvalidManageToken, RateLimited, SlotUnavailable
from .forms import ConsultationChoiceForm, ContactForm, ExternalAppointmentForm
from .models import Appointment, AppointmentStatus, ConsultationBookingStatus
from .tokens import make_manage_token

DAYS_SHOWN = 14
HOLD_SESSION_KEY = "booking_hold"
FORM_TOKENS_SESSION_KEY = "booking_form_tokens"
DONE_SESSION_KEY = "booking_done"
CAPTCHA_FIELD = "altcha"


def client_ip(request):
    return request.META.get("REMOTE_ADDR")


def rate_limited_page(request, error):
    """A rate limit answers 429 with the message in the client's language and
    ``Retry-After``, on every page of the booking flow."""
    response = render(
        request,
        "pages/error.html",
        {"title": _("Too many attempts"), "text": error.message},
        status=error.status,
    )
    response["Retry-After"] = str(error.retry_after)
    return response


def _captcha_check(request):
    """Returns ``strict``: the ALTCHA widget's solution when JavaScript ran (a bad one is
    refused); without JavaScript no solution arrives, and the booking goes through under
    stricter rate limits instead (the accessible fallback, see docs/booking.md)."""
    payload = request.POST.get(CAPTCHA_FIELD)
    if not payload:
        return True
    if not captcha.verify_solution(payload):
        raise services.CaptchaInvalid()
    return False


def _bookable_services():
    return OfficeService.objects.filter(bookable_online=True, desks__is_active=True).distinct()


def _location_of(service):
    desk = (
        Desk.objects.filter(services=service, is_active=True, kind=DeskKind.OFFICE_DESK)
        .select_related("location")
        .order_by("id")
        .first()
    )
    return desk.location if desk else None


def _today():
    return timezone.now().astimezone(LOCAL_ZONE).date()


# 1. Concern ------------------------------------------------------------------------------


def start(request):
    return render(request, "booking/start.html", {"services": _bookable_services()})


# 2. What to bring, day, consultation, time -----------------------------------------------


def _parse_day(text):
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _consultation_hidden(consultation):
    """The consultation request as hidden fields, so that picking an alternative time keeps
    the consultation the client asked for."""
    if consultation is None:
        return []
    hidden = [("consultation", "on"), ("language", consultation.language_code or "")]
    hidden += [("topics", slug) for slug in consultation.topic_slugs]
    if consultation.interpreter:
        hidden.append(("interpreter", "on"))
    return hidden


def _slot_page(request, service, *, error=None, alternatives=None, status=200, requested=None):
    location = _location_of(service)
    consultation_form = ConsultationChoiceForm(request.GET or None)
    consultation = consultation_form.request() if consultation_form.is_bound else None
    wants_consultation = bool(
        consultation_form.is_bound and consultation_form.data.get("consultation")
    )
    today = _today()
    days = (
        engine.bookable_days(location, today, today + timedelta(days=120))[: DAYS_SHOWN * 4]
        if location
        else []
    )
    day_text = request.GET.get("day", "")
    day = _parse_day(day_text)
    day_error = None
    slots = []
    if day_text and day is None:
        day_error = _("Please choose a day from the list.")
    elif day is not None:
        if day not in days:
            day_error = (
                _("The office is closed on this day. Please choose another day.")
                if day >= today
                else _("This date cannot be booked: it is in the past or too far ahead.")
            )
        elif wants_consultation and consultation is None:
            day_error = None  # the consultation form shows its own error
        else:
            slots = engine.find_slots(
                service,
                day,
                day,
                location=location,
                with_consultation=consultation is not None,
                **_engine_kwargs(consultation),
            )
            if consultation is not None:
                slots = [slot for slot in slots if slot.consultation is not None]
    query = request.GET.copy()
    query.pop("day", None)
    context = {
        "service": service,
        "location": location,
        "days": days[:DAYS_SHOWN] if day is None else days,
        "day": day,
        "day_error": day_error,
        "slots": slots,
        "consultation_form": consultation_form
        if consultation_form.is_bound
        else ConsultationChoiceForm(),
        "consultation": consultation,
        "query": query.urlencode(),
        "error": error,
        "alternatives": alternatives or [],
        "hidden": _consultation_hidden(requested),
    }
    return render(request, "booking/service.html", context, status=status)


def _engine_kwargs(consultation):
    if consultation is None:
        return {}
    return {
        "language": consultation.language_code,
        "topics": consultation.topic_slugs,
        "interpreter": consultation.interpreter,
    }


@never_cache
def service_page(request, service_id):
    service = get_object_or_404(_bookable_services(), pk=service_id)
    return _slot_page(request, service)


def _parse_start(text):
    try:
        moment = datetime.fromisoformat(text or "")
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else None


@require_POST
def hold(request, service_id):
    """Holds the chosen slot (and consultation) for a few minutes; the client then has time
    to type their details without losing it."""
    service = get_object_or_404(_bookable_services(), pk=service_id)
    consultation_form = ConsultationChoiceForm(request.POST)
    consultation = consultation_form.request()
    start_at = _parse_start(request.POST.get("start"))
    if start_at is None:
        return _slot_page(
            request, service, error=_("Please choose a time from the list."), status=422
        )
    _release_own_hold(request)
    try:
        appointment = services.hold_slot(
            service,
            start_at,
            consultation=consultation,
            client_ip=client_ip(request),
            location=_location_of(service),
        )
    except SlotUnavailable as error:
        return _slot_page(
            request,
            service,
            error=str(error.message),
            alternatives=error.alternatives,
            status=409,
            requested=consultation,
        )
    except BookingError as error:
        page = _slot_page(request, service, error=str(error.message), status=error.status)
        if isinstance(error, RateLimited):
            page["Retry-After"] = str(error.retry_after)
        return page
    request.session[HOLD_SESSION_KEY] = {"id": appointment.pk, "code": appointment.code}
    return redirect("booking:details")


def _release_own_hold(request):
    """A client who goes back and picks another time gives up the slot held before."""
    held = request.session.pop(HOLD_SESSION_KEY, None)
    if not held:
        return
    appointment = Appointment.objects.filter(
        pk=held["id"], code=held["code"], status=AppointmentStatus.HELD
    ).first()
    if appointment is not None:
        # Expired or already gone: then there is nothing to give back.
        with contextlib.suppress(BookingError):
            services.cancel_booking(appointment)


# 3. Details, captcha, confirm --------------------------------------------------------------


def _issue_form_token(request):
    token = secrets.token_urlsafe(16)
    tokens = request.session.get(FORM_TOKENS_SESSION_KEY, [])[-9:]
    request.session[FORM_TOKENS_SESSION_KEY] = [*tokens, token]
    return token


def _spend_form_token(request, token):
    tokens = request.session.get(FORM_TOKENS_SESSION_KEY, [])
    if token not in tokens:
        return False
    tokens.remove(token)
    request.session[FORM_TOKENS_SESSION_KEY] = tokens
    return True


def _held_appointment(request):
    held = request.session.get(HOLD_SESSION_KEY)
    if not held:
        return None
    return (
        Appointment.objects.select_related("location", "service")
        .filter(pk=held["id"], code=held["code"])
        .first()
    )


def _done_url(code, token):
    return f"{reverse('booking:done', kwargs={'code': code})}?{urlencode({'token': token})}"


@never_cache
def details(request):
    appointment = _held_appointment(request)
    if appointment is None:
        messages.info(request, _("Please choose a time first."))
        return redirect("booking:start")
    done = request.session.get(DONE_SESSION_KEY, {})
    if appointment.code in done:
        # A second submit, or the back button after booking: the booking already exists.
        messages.info(request, _("This booking has already been made."))
        return redirect(_done_url(appointment.code, done[appointment.code]))
    if appointment.status != AppointmentStatus.HELD:
        request.session.pop(HOLD_SESSION_KEY, None)
        messages.warning(
            request,
            _("Your reserved time has run out and was taken. Please choose another time."),
        )
        day = appointment.start.astimezone(LOCAL_ZONE).date().isoformat()
        url = reverse("booking:service", kwargs={"service_id": appointment.service_id})
        return redirect(f"{url}?{urlencode({'day': day})}")
    error = None
    alternatives = []
    status, retry_after = 200, None
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid() and not _spend_form_token(request, form.cleaned_data["form_token"]):
            messages.info(request, _("This form was already sent. Please check your entries."))
            form = ContactForm(
                initial={**form.cleaned_data, "form_token": _issue_form_token(request)}
            )
        elif form.is_valid():
            try:
                strict = _captcha_check(request)
                result = services.complete_booking(
                    appointment,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    phone=form.cleaned_data["phone"],
                    language=get_language(),
                    client_ip=client_ip(request),
                    strict=strict,
                )
            except SlotUnavailable as unavailable:
                error, alternatives = str(unavailable.message), unavailable.alternatives
                status = 409
            except BookingError as failure:
                error = str(failure.message)
                if isinstance(failure, RateLimited):
                    status, retry_after = failure.status, failure.retry_after
                if getattr(failure, "field", None) in form.fields:
                    form.add_error(failure.field, error)
                    error = None
            else:
                # The hold stays in the session: a second submit finds the booking
                # made and lands on the same confirmation page.
                done = {**request.session.get(DONE_SESSION_KEY, {})}
                done[result.appointment.code] = result.manage_token
                request.session[DONE_SESSION_KEY] = dict(list(done.items())[-5:])
                return redirect(_done_url(result.appointment.code, result.manage_token))
            form.data = form.data.copy()
            form.data["form_token"] = _issue_form_token(request)
    else:
        form = ContactForm(initial={"form_token": _issue_form_token(request)})
    context = {
        "appointment": appointment,
        "consultation": notifications.consultation_of(appointment),
        "form": form,
        "error": error,
        "alternatives": alternatives,
        "service": appointment.service,
        "hidden": _consultation_hidden(_requested_consultation(appointment)),
    }
    response = render(request, "booking/details.html", context, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _requested_consultation(appointment):
    consultation = notifications.consultation_of(appointment)
    if consultation is None:
        return None
    return services.ConsultationRequest(
        language_code=consultation.language.code,
        topic_slugs=tuple(consultation.topics.values_list("slug", flat=True)),
        interpreter=consultation.interpreter,
    )


def _appointment_or_invalid(request, code, token=None, confirm=False):
    """The appointment of a manage (or confirm) link. A refused link is counted per code and
    per address (``limits``): past the limit ``RateLimited`` leaves the view as a 429."""
    token = token if token is not None else request.GET.get("token", "")
    try:
        appointment = limits.appointment_for_link(code, token, client_ip(request), confirm)
        return appointment, token
    except InvalidManageToken as error:
        raise InvalidLink(error) from error


class InvalidLink(Exception):
    def __init__(self, error):
        self.error = error
        super().__init__(str(error.message))


def _invalid_link_page(request, error):
    return render(
        request,
        "booking/invalid_link.html",
        {"message": error.message, "expired": getattr(error, "expired", False)},
        status=404,
    )


def _token_view(view):
    """Turns a tampered, foreign or expired link into a clear page without any data, and a
    rate limit (too many refused links, or too many changes) into the 429 page."""

    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except InvalidLink as invalid:
            return _invalid_link_page(request, invalid.error)
        except RateLimited as limited:
            return rate_limited_page(request, limited)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _booking_context(appointment, token):
    consultation = notifications.consultation_of(appointment)
    if consultation is not None and consultation.status in (
        ConsultationBookingStatus.CANCELLED,
        ConsultationBookingStatus.EXPIRED,
    ):
        consultation = None
    token_query = urlencode({"token": token})
    return {
        "appointment": appointment,
        "consultation": consultation,
        "location": appointment.location,
        "service": appointment.service,
        "documents": appointment.service.documents_list if appointment.service else [],
        "token": token,
        "token_query": token_query,
        "manage_url": _token_url("booking:manage", appointment, token),
        "ics_url": _token_url("booking:calendar", appointment, token),
        "active": appointment.status
        in (AppointmentStatus.BOOKED, AppointmentStatus.PENDING_CONFIRMATION),
        "changeable": appointment.is_changeable,
    }


@never_cache
@_token_view
def done(request, code):
    appointment, token = _appointment_or_invalid(request, code)
    return render(request, "booking/done.html", _booking_context(appointment, token))


# 4. Manage: cancel, move, calendar file ---------------------------------------------------


@never_cache
@_token_view
def manage(request, code):
    appointment, token = _appointment_or_invalid(request, code)
    return render(request, "booking/manage.html", _booking_context(appointment, token))


def _manage_redirect(appointment, token):
    return redirect(_token_url("booking:manage", appointment, token))


def _token_url(name, appointment, token):
    return f"{reverse(name, kwargs={'code': appointment.code})}?{urlencode({'token': token})}"


@require_POST
@_token_view
def cancel(request, code):
    appointment, token = _appointment_or_invalid(request, code, request.POST.get("token", ""))
    limits.check_change(appointment, client_ip(request))
    part = request.POST.get("part", "all")
    try:
        if part == "consultation":
            services.cancel_consultation(appointment)
            messages.success(request, _("Your consultation was cancelled."))
        else:
            services.cancel_booking(appointment)
            messages.success(
                request, _("Your booking was cancelled. The time is free for others again.")
            )
    except BookingError as error:
        messages.error(request, str(error.message))
    return _manage_redirect(appointment, token)


@never_cache
@_token_view
def move(request, code):
    """Pick a new time for the office appointment; the consultation is placed again
    around it (in the same language), or the client lets it go."""
    data = request.POST if request.method == "POST" else request.GET
    appointment, token = _appointment_or_invalid(request, code, data.get("token", ""))
    if appointment.is_external or not appointment.is_changeable:
        messages.error(request, _("This booking can no longer be changed."))
        return _manage_redirect(appointment, token)
    consultation = _live_consultation(appointment)
    error = None
    alternatives = []
    if request.method == "POST":
        limits.check_change(appointment, client_ip(request))
        new_start = _parse_start(request.POST.get("start"))
        keep = request.POST.get("keep_consultation", "1") == "1"
        if new_start is None:
            error = _("Please choose a time from the list.")
        else:
            try:
                services.move_booking(appointment, new_start, keep_consultation=keep)
            except SlotUnavailable as unavailable:
                error, alternatives = str(unavailable.message), unavailable.alternatives
            except BookingError as failure:
                error = str(failure.message)
            else:
                messages.success(request, _("Your booking was moved."))
                return _manage_redirect(appointment, token)
    kwargs = {}
    if consultation is not None:
        kwargs = {
            "language": consultation.language.code,
            "topics": tuple(consultation.topics.values_list("slug", flat=True)),
            "interpreter": consultation.interpreter,
        }
    today = _today()
    days = engine.bookable_days(appointment.location, today, today + timedelta(days=120))
    day = _parse_day(data.get("day", ""))
    slots = []
    if day is not None and day in days:
        slots = engine.find_slots(
            appointment.service,
            day,
            day,
            location=appointment.location,
            with_consultation=consultation is not None,
            exclude_appointment_id=appointment.pk,
            **kwargs,
        )
    context = {
        **_booking_context(appointment, token),
        "days": days[: DAYS_SHOWN * 4],
        "day": day,
        "slots": [slot for slot in slots if slot.start != appointment.start],
        "error": error,
        "alternatives": alternatives,
        "has_consultation": consultation is not None,
    }
    return render(request, "booking/move.html", context, status=409 if alternatives else 200)


def _live_consultation(appointment):
    consultation = notifications.consultation_of(appointment)
    if consultation is None or consultation.status not in (
        ConsultationBookingStatus.HELD,
        ConsultationBookingStatus.PENDING_CONFIRMATION,
        ConsultationBookingStatus.BOOKED,
    ):
        return None
    return consultation


@never_cache
@_token_view
def move_consultation(request, code):
    """The consultation sits directly before or after the office appointment; the client
    may switch it to another free place around it."""
    data = request.POST if request.method == "POST" else request.GET
    appointment, token = _appointment_or_invalid(request, code, data.get("token", ""))
    consultation = _live_consultation(appointment)
    if consultation is None or not appointment.is_changeable:
        messages.error(request, _("This booking can no longer be changed."))
        return _manage_redirect(appointment, token)
    error = None
    if request.method == "POST":
        limits.check_change(appointment, client_ip(request))
        new_start = _parse_start(request.POST.get("start"))
        try:
            if new_start is None:
                raise SlotUnavailable()
            services.move_consultation(appointment, new_start)
        except BookingError as failure:
            error = str(failure.message)
        else:
            messages.success(request, _("Your consultation was moved."))
            return _manage_redirect(appointment, token)
    options = engine.consultation_options(
        appointment.location,
        appointment.start,
        appointment.end,
        language=consultation.language.code,
        topics=tuple(consultation.topics.values_list("slug", flat=True)),
        interpreter=consultation.interpreter,
        exclude_appointment_id=appointment.pk,
    )
    seen, choices = set(), []
    for option in options:
        if option.start != consultation.start and option.start not in seen:
            seen.add(option.start)
            choices.append(option)
    context = {**_booking_context(appointment, token), "options": choices, "error": error}
    return render(request, "booking/move_consultation.html", context)


@_token_view
def calendar_file(request, code):
    appointment, _token = _appointment_or_invalid(request, code)
    response = HttpResponse(
        notifications.build_ics(appointment), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{notifications.ics_filename(appointment)}"'
    )
    return response


@never_cache
@_token_view
def confirm(request, code):
    """Double opt-in. The link only shows a button: mail scanners that open links must not
    confirm on the client's behalf."""
    data = request.POST if request.method == "POST" else request.GET
    appointment, token = _appointment_or_invalid(
        request, code, data.get("token", ""), confirm=True
    )
    if request.method == "POST":
        limits.check_change(appointment, client_ip(request))
        try:
            appointment = services.confirm_booking(appointment)
        except BookingError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Thank you: your booking is confirmed."))
            return redirect(_done_url(appointment.code, make_manage_token(appointment)))
    return render(request, "booking/confirm.html", {"appointment": appointment, "token": token})


# 5. Office appointment booked elsewhere: add a consultation -------------------------------


@never_cache
def external(request):
    error = None
    status, retry_after = 200, None
    if request.method == "POST":
        form = ExternalAppointmentForm(request.POST)
        if form.is_valid() and not _spend_form_token(request, form.cleaned_data["form_token"]):
            messages.info(request, _("This form was already sent. Please check your entries."))
        elif form.is_valid():
            data = form.cleaned_data
            location = data["location"]
            start_at = local_datetime(data["date"], data["time"])
            service_minutes = data["duration"]
            try:
                strict = _captcha_check(request)
                result = services.add_consultation_to_external(
                    location,
                    start_at,
                    start_at + timedelta(minutes=service_minutes),
                    data["reference"],
                    form.consultation_request(),
                    data["name"],
                    data["email"],
                    data["phone"],
                    get_language(),
                    client_ip=client_ip(request),
                    strict=strict,
                )
            except BookingError as failure:
                error = str(failure.message)
                if isinstance(failure, RateLimited):
                    status, retry_after = failure.status, failure.retry_after
            else:
                return redirect(_done_url(result.appointment.code, result.manage_token))
        form.data = form.data.copy()
        form.data["form_token"] = _issue_form_token(request)
    else:
        form = ExternalAppointmentForm(initial={"form_token": _issue_form_token(request)})
    response = render(
        request, "booking/external.html", {"form": form, "error": error}, status=status
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response
