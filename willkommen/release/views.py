"""The client's pages of the fair release under /release/: the rounds, a round's public
page, the request form, the confirmation page and the request's status page. Plain forms,
POST/redirect/GET, no JavaScript needed (the captcha widget has its fallback)."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from willkommen.booking.views.common import captcha_check
from willkommen.client_address import client_ip

from . import public, requests
from .errors import ReleaseError
from .forms import RequestForm
from .models import ReleaseRound
from .tokens import (
    make_status_token,
    request_for_confirm_token,
    request_for_status_token,
)


def rounds(request):
    return render(request, "release/rounds.html", {"rounds": public.listed_rounds(timezone.now())})


def round_page(request, round_id):
    release_round = public_round(round_id)
    return render(
        request,
        "release/round.html",
        {"round": release_round, "figures": public.figures(release_round, timezone.now())},
    )


def public_round(round_id) -> ReleaseRound:
    try:
        return requests.round_by_id(round_id)
    except ReleaseError as error:
        raise Http404 from error


def status_url(release_request) -> str:
    path = reverse("release:status", kwargs={"number": release_request.number})
    return f"{path}?{urlencode({'token': make_status_token(release_request)})}"


@never_cache
def request_form(request, round_id):
    release_round = public_round(round_id)
    now = timezone.now()
    form = RequestForm(request.POST or None, release_round=release_round)
    error = None
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            strict = captcha_check(request)
            release_request, token = requests.submit(
                release_round,
                service_id=data["service"],
                days=data["days"],
                day_parts=data["day_parts"],
                name=data["name"],
                email=data.get("email") or None,
                phone=data.get("phone") or None,
                consultation=form.request(),
                consultation_required=data.get("consultation_required") == "required",
                language=get_language(),
                client_ip=client_ip(request),
                strict=strict,
                now=now,
            )
        except ReleaseError as refusal:
            error, status = refusal.message, refusal.status
        else:
            path = reverse("release:status", kwargs={"number": release_request.number})
            return redirect(f"{path}?{urlencode({'token': token, 'new': 1})}")
    elif request.method == "POST":
        status = 422
    context = {
        "round": release_round,
        "form": form,
        "error": error,
        "open": release_round.phase(now) == "open",
    }
    return render(request, "release/request.html", context, status=status)


@never_cache
def confirm(request, number):
    """GET shows the button (mail scanners open links; only a POST confirms)."""
    token = request.GET.get("token") or request.POST.get("token") or ""
    release_request = request_for_confirm_token(number, token)
    if request.method == "POST":
        requests.confirm(number, token)
        return redirect(status_url(release_request))
    return render(request, "release/confirm.html", {"request_": release_request, "token": token})


@never_cache
def status(request, number):
    token = request.GET.get("token", "")
    release_request = request_for_status_token(number, token)
    return render(
        request,
        "release/status.html",
        {
            "request_": release_request,
            "round": release_request.round,
            "token": token,
            "new": request.GET.get("new") == "1",
            "withdrawable": release_request.round.drawn_at is None
            and release_request.status in ("unconfirmed", "confirmed"),
        },
    )


@require_POST
def withdraw(request, number):
    token = request.POST.get("token", "")
    release_request = request_for_status_token(number, token)
    requests.withdraw(release_request)
    return redirect(status_url(release_request))
