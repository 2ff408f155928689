"""The client's pages of the fair release under /release/: the rounds, a round's public
page, the request form, the confirmation page and the request's status page. Plain forms,
POST/redirect/GET, no JavaScript needed (the captcha widget has its fallback)."""

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
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

NUMBER_MAX_LENGTH = 16
ORDER_FILE_CACHE_SECONDS = 24 * 3600


def rounds(request):
    return render(request, "release/rounds.html", {"rounds": public.listed_rounds(timezone.now())})


def round_page(request, round_id):
    """The round's public page; after the draw, one page of the draw order (``?page=``),
    or the page that holds a request number the client looks for (``?number=``)."""
    release_round = public_round(round_id)
    context = {"round": release_round, "figures": public.figures(release_round, timezone.now())}
    if release_round.drawn_at:
        sought = request.GET.get("number", "").strip().upper()[:NUMBER_MAX_LENGTH]
        page = public.page_of_number(release_round, sought) if sought else None
        if sought and page is None:
            context["number_error"] = _("This request number is not in this draw's order.")
        context.update(
            order=public.order_page(release_round, page or page_parameter(request)),
            sought=sought if page else "",
        )
    return render(request, "release/round.html", context)


def page_parameter(request) -> int:
    """``?page=``, or 1 for anything that is not a whole number below a million."""
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        return 1
    return page if 0 < page < 1_000_000 else 1


def order_file(request, round_id):
    """The whole draw order as CSV (place, request number, weight), for recomputing it: built
    once per drawn round and then served from the cache (the order never changes)."""
    release_round = public_round(round_id)
    if release_round.drawn_at is None:
        raise Http404
    key = f"release:order-file:{release_round.pk}:{release_round.drawn_at.timestamp()}"
    body = cache.get(key)
    if body is None:
        body = public.order_csv(release_round)
        cache.set(key, body, ORDER_FILE_CACHE_SECONDS)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="draw-{release_round.pk}-order.csv"'
    return response


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
