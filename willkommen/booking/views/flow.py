"""The client's booking flow under /book/: plain forms and POST/redirect/GET, so it works on
any phone without JavaScript. The rules live in ``services`` and ``availability``; these
views translate between pages and those calls, and show every ``BookingError`` as a
message in the client's language on the page it came from.

Flow: concern → what to bring, day, optional consultation, time (nothing is held) → name,
one contact, privacy notice, captcha → the booking → confirmation page.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from willkommen import clock
from willkommen.client_address import client_ip
from willkommen.organisations.models import OfficeService

from .. import form_submits, picker, services
from ..errors import BookingError, RateLimited, SlotUnavailable
from ..forms import ConsultationChoiceForm, ContactForm
from ..models import (
    Appointment,
    ConsultationBooking,
)
from ..tokens import make_manage_token
from .common import (
    CHOICE_SESSION_KEY,
    DONE_SESSION_KEY,
    bookable_services,
    captcha_check,
    consultation_hidden,
    done_redirect,
    form_token_issued,
    issue_form_token,
    location_of,
    parse_day,
    parse_start,
    spend_form_token,
)


def start(request):
    return render(request, "booking/start.html", {"services": bookable_services()})


def slot_page(request, service, *, error=None, alternatives=None, status=200, requested=None):
    """The picker (``picker``): the consultation first, then the next free times, a month
    grid of the bookable days and the times of the chosen day. Each step is a plain link
    or form whose address ends in an anchor, so the page opens at the next step also
    without JavaScript."""
    location = location_of(service)
    consultation_form = ConsultationChoiceForm(request.GET or None)
    consultation = consultation_form.request() if consultation_form.is_bound else None
    wants_consultation = bool(
        consultation_form.is_bound and consultation_form.data.get("consultation")
    )
    consultation_pending = wants_consultation and consultation is None
    today = clock.today()
    days = picker.window_days(location)
    day_text = request.GET.get("day", "")
    day = parse_day(day_text)
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
            day = None
        elif not consultation_pending:  # else the consultation form shows its own error
            slots = picker.day_times(service, day, location, consultation)
    next_times = []
    if not consultation_pending and day is None:
        next_times = picker.next_free_times(service, location, consultation)
    grid = picker.month_grid(days, picker.parse_month(request.GET.get("month")), day)
    keep = request.GET.copy()
    for name in ("day", "month"):
        keep.pop(name, None)
    query = keep.urlencode()
    context = {
        "service": service,
        "location": location,
        "days": days,
        "day": day,
        "day_error": day_error,
        "slots": slots,
        "next_times": next_times,
        "grid": grid,
        "weekdays": picker.weekday_dates(grid) if grid else [],
        "consultation_form": consultation_form
        if consultation_form.is_bound
        else ConsultationChoiceForm(),
        "consultation": consultation,
        "wants_consultation": wants_consultation,
        "query": query,
        "error": error,
        "alternatives": alternatives or [],
        "hidden": consultation_hidden(requested or consultation),
        "times_anchor": picker.TIMES_ANCHOR,
    }
    return render(request, "booking/service.html", context, status=status)


@never_cache
def service_page(request, service_id):
    service = get_object_or_404(bookable_services(), pk=service_id)
    return slot_page(request, service)


@require_POST
def choose(request, service_id):
    """Remembers the chosen time (and consultation) for the details step. Writes nothing
    and takes nothing: the slot stays open to everybody until a booking with a name and a
    contact takes it, so nobody can empty a morning by clicking times."""
    service = get_object_or_404(bookable_services(), pk=service_id)
    consultation_form = ConsultationChoiceForm(request.POST)
    consultation = consultation_form.request()
    start_at = parse_start(request.POST.get("start"))
    if start_at is None:
        return slot_page(
            request, service, error=_("Please choose a time from the list."), status=422
        )
    location = location_of(service)
    try:
        services.check_choice(service, start_at, consultation=consultation, location=location)
    except SlotUnavailable as error:
        return slot_page(
            request,
            service,
            error=str(error.message),
            alternatives=error.alternatives,
            status=409,
            requested=consultation,
        )
    except BookingError as error:
        return slot_page(request, service, error=str(error.message), status=error.status)
    request.session[CHOICE_SESSION_KEY] = choice_to_session(service, start_at, consultation)
    return redirect("booking:details")


def choice_to_session(service, start_at, consultation):
    return {
        "service": service.pk,
        "start": start_at.isoformat(),
        "consultation": None
        if consultation is None
        else {
            "language": consultation.language_code,
            "topics": list(consultation.topic_slugs),
            "interpreter": consultation.interpreter,
        },
    }


@dataclass(frozen=True)
class Choice:
    service: OfficeService
    start: datetime
    consultation: services.ConsultationRequest | None

    @property
    def key(self):
        """Identifies the choice: a second submit of the same choice finds its booking."""
        return f"{self.service.pk}|{self.start.isoformat()}"


def choice_from_session(request):
    stored = request.session.get(CHOICE_SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    service = bookable_services().filter(pk=stored.get("service")).first()
    start_at = parse_start(stored.get("start"))
    if service is None or start_at is None:
        return None
    consultation = stored.get("consultation")
    request_ = None
    if consultation:
        request_ = services.ConsultationRequest.from_choices(
            consultation.get("language"),
            consultation.get("topics"),
            consultation.get("interpreter"),
        )
    return Choice(service, start_at, request_)


def remember_done(request, choice, result):
    done = {**request.session.get(DONE_SESSION_KEY, {})}
    done[choice.key] = [result.appointment.code, result.manage_token]
    request.session[DONE_SESSION_KEY] = dict(list(done.items())[-5:])


def preview(choice, location):
    """Unsaved rows that show the chosen time (and the consultation offered around it) with
    the same summary as a booking."""
    appointment = Appointment(
        location=location,
        service=choice.service,
        start=choice.start,
        end=choice.start + timedelta(minutes=choice.service.duration_minutes),
    )
    consultation = None
    if choice.consultation is not None and location is not None:
        option = services.offered_consultation_or_none(
            location, appointment.start, appointment.end, choice.consultation
        )
        if option is not None:
            consultation = ConsultationBooking(
                start=option.start,
                end=option.end,
                position=option.position,
                language=services.language_of(choice.consultation),
                interpreter=choice.consultation.interpreter,
            )
    return appointment, consultation


def booking_made_with(scope, form_token):
    """The booking another request made with this details form, once it is done."""
    code = form_submits.booking_code(scope, form_token)
    if code is None:
        return None
    return Appointment.objects.filter(code=code).first()


@never_cache
def details(request):
    choice = choice_from_session(request)
    if choice is None:
        messages.info(request, _("Please choose a time first."))
        return redirect("booking:start")
    done = request.session.get(DONE_SESSION_KEY, {}).get(choice.key)
    if done:
        # A second submit, or the back button after booking: show the booking made.
        return done_redirect(request, *done)
    location = location_of(choice.service)
    error = None
    alternatives = []
    status, retry_after = 200, None
    if request.method == "POST":
        form = ContactForm(request.POST)
        scope = form_submits.scope_of(request.session.session_key)
        form_token = form.cleaned_data["form_token"] if form.is_valid() else ""
        # Only a token this session was given may claim a row: a made-up one writes nothing.
        if form.is_valid() and not (
            form_token_issued(request, form_token) and form_submits.claim(scope, form_token)
        ):
            # Sent twice: show the booking the other request made, not a blank form.
            earlier = booking_made_with(scope, form_token)
            if earlier is not None:
                messages.info(request, _("You had already sent this form. This is your booking."))
                return done_redirect(request, earlier.code, make_manage_token(earlier))
            messages.info(request, _("This form was already sent. Please check your entries."))
            form = ContactForm(
                initial={**form.cleaned_data, "form_token": issue_form_token(request)}
            )
        elif form.is_valid() and not spend_form_token(request, form_token):
            form_submits.release(scope, form_token)
            messages.info(request, _("This form was already sent. Please check your entries."))
            form = ContactForm(
                initial={**form.cleaned_data, "form_token": issue_form_token(request)}
            )
        elif form.is_valid():
            try:
                strict = captcha_check(request)
                result = services.book(
                    choice.service,
                    choice.start,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    phone=form.cleaned_data["phone"],
                    consultation=choice.consultation,
                    language=get_language(),
                    client_ip=client_ip(request),
                    strict=strict,
                    location=location,
                )
            except SlotUnavailable as unavailable:
                form_submits.release(scope, form_token)
                error, alternatives = str(unavailable.message), unavailable.alternatives
                status = 409
            except BookingError as failure:
                form_submits.release(scope, form_token)
                error = str(failure.message)
                if isinstance(failure, RateLimited):
                    status, retry_after = failure.status, failure.retry_after
                if getattr(failure, "field", None) in form.fields:
                    form.add_error(failure.field, error)
                    error = None
            except BaseException:
                form_submits.release(scope, form_token)
                raise
            else:
                form_submits.finish(scope, form_token, result.appointment.code)
                remember_done(request, choice, result)
                return done_redirect(request, result.appointment.code, result.manage_token)
            form.data = form.data.copy()
            form.data["form_token"] = issue_form_token(request)
    else:
        form = ContactForm(initial={"form_token": issue_form_token(request)})
    appointment, consultation = preview(choice, location)
    context = {
        "appointment": appointment,
        "consultation": consultation,
        "form": form,
        "error": error,
        "alternatives": alternatives,
        "service": choice.service,
        "hidden": consultation_hidden(choice.consultation),
    }
    response = render(request, "booking/details.html", context, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response
