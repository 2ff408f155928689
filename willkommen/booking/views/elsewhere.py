"""A consultation around an office appointment booked elsewhere, with the time typed in
by the client (where the operator allows it; the lookup in the office's own system is
``office_lookup``)."""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from willkommen.client_address import client_ip
from willkommen.clock import local_datetime

from .. import services
from ..errors import BookingError, RateLimited
from ..forms import ExternalAppointmentForm
from .common import captcha_check, done_redirect, issue_form_token, spend_form_token


@never_cache
def external(request):
    error = None
    status, retry_after = 200, None
    if request.method == "POST":
        form = ExternalAppointmentForm(request.POST)
        if form.is_valid() and not spend_form_token(request, form.cleaned_data["form_token"]):
            messages.info(request, _("This form was already sent. Please check your entries."))
        elif form.is_valid():
            data = form.cleaned_data
            location = data["location"]
            start_at = local_datetime(data["date"], data["time"])
            service_minutes = data["duration"]
            try:
                strict = captcha_check(request)
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
                return done_redirect(request, result.appointment.code, result.manage_token)
        form.data = form.data.copy()
        form.data["form_token"] = issue_form_token(request)
    else:
        form = ExternalAppointmentForm(initial={"form_token": issue_form_token(request)})
    response = render(
        request, "booking/external.html", {"form": form, "error": error}, status=status
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response
