"""Staff pages: maintaining offers (MANAGE_DIRECTORY; an offer only by its owning
organisation's lead or a coordinator, ``policy.can_change_offer``), its change trail, and
composing a referral sheet (counsellors and leads: DOCUMENT_CONSULTATION).
POST/redirect/GET, no JavaScript needed."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from willkommen import clock
from willkommen.accounts import policy
from willkommen.accounts.policy import Permission, requires

from . import exchange, referrals, services
from .forms import ImportForm, OfferForm
from .models import GERMAN, Offer
from .views import presented

MANAGE = Permission.MANAGE_DIRECTORY
COMPOSE = Permission.DOCUMENT_CONSULTATION


def _changeable_offer(request, pk):
    """The offer, if this user may change it; another organisation's offer is 403."""
    offer = get_object_or_404(Offer, pk=pk)
    if not policy.can_change_offer(request.user, offer):
        raise PermissionDenied
    return offer


@requires(MANAGE)
def offer_list(request):
    offers = (
        Offer.objects.select_related("owner")
        .prefetch_related("topics", "translations")
        .order_by("title")
    )
    stale_only = request.GET.get("stale") == "1"
    query = request.GET.get("q", "").strip()[:100]
    if stale_only:
        offers = offers.filter(review_date__lt=clock.today())
    if query:
        offers = offers.filter(
            Q(title__icontains=query) | Q(provider__icontains=query) | Q(reference=query)
        )
    rows = [(offer, policy.can_change_offer(request.user, offer)) for offer in offers]
    return render(
        request,
        "directory/staff/list.html",
        {"rows": rows, "stale_only": stale_only, "query": query},
    )


def _offer_form_page(request, form, *, offer=None):
    return render(request, "directory/staff/form.html", {"form": form, "offer": offer})


@requires(MANAGE)
def offer_create(request):
    form = OfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        offer = services.save_offer_form(form, request.user)
        messages.success(request, _("The offer “%(title)s” was saved.") % {"title": offer})
        return redirect("directory_staff:list")
    return _offer_form_page(request, form)


@requires(MANAGE)
def offer_edit(request, pk):
    offer = _changeable_offer(request, pk)
    form = OfferForm(request.POST or None, instance=offer)
    if request.method == "POST" and form.is_valid():
        offer = services.save_offer_form(form, request.user)
        messages.success(request, _("The offer “%(title)s” was saved.") % {"title": offer})
        return redirect("directory_staff:list")
    return _offer_form_page(request, form, offer=offer)


@requires(MANAGE)
def offer_set_active(request, pk):
    offer = _changeable_offer(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    active = request.POST.get("active") == "1"
    services.set_active(offer, active, request.user)
    if active:
        messages.success(request, _("The offer is shown to clients again."))
    else:
        messages.success(request, _("The offer was deactivated; clients no longer see it."))
    return redirect("directory_staff:list")


@requires(MANAGE)
def offer_import(request):
    result = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = exchange.import_offers(
            upload.read(), upload.name, organisation=request.user.organisation, actor=request.user
        )
        if result.ok:
            messages.success(
                request,
                ngettext(
                    "Import done: %(created)s offer created, %(updated)s updated.",
                    "Import done: %(created)s offers created, %(updated)s updated.",
                    result.created,
                )
                % {"created": result.created, "updated": result.updated},
            )
            if not result.skipped:
                return redirect("directory_staff:list")
    status = 400 if result is not None and not result.ok else 200
    return render(
        request, "directory/staff/import.html", {"form": form, "result": result}, status=status
    )


@requires(MANAGE)
def offer_history(request, pk):
    """The offer's change trail: who changed what when. For whoever may change it."""
    offer = _changeable_offer(request, pk)
    changes = offer.changes.select_related("organisation").order_by("-at", "-pk")[:200]
    return render(request, "directory/staff/history.html", {"offer": offer, "changes": changes})


def _download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@requires(MANAGE)
def export_csv(request):
    content = exchange.export_csv().encode("utf-8-sig")
    return _download(content, "text/csv; charset=utf-8", "offers.csv")


@requires(MANAGE)
def export_json(request):
    return _download(exchange.export_json(), "application/json; charset=utf-8", "offers.json")


@requires(COMPOSE)
def referral_sheet(request):
    """Without offers: a form to choose them and the client's language. With offers: the
    printable sheet, client's language and German side by side."""
    language = referrals.client_language(request.GET.get("lang", ""))
    # ``?lang=`` names the client's language here; the staff page itself stays in the
    # counsellor's own language (cookie or browser), which the query middleware replaced.
    staff_language = translation.get_language_from_request(request)
    translation.activate(staff_language)
    request.LANGUAGE_CODE = staff_language
    ids = referrals.parse_offer_ids(request.GET.getlist("offers"))
    error = None
    if ids is None:
        error = _("The list of offers is not valid; please choose them again.")
    elif len(ids) > referrals.MAX_SHEET_OFFERS:
        error = ngettext(
            "A sheet holds at most %(count)s offer, so that it fits on one page.",
            "A sheet holds at most %(count)s offers, so that it fits on one page.",
            referrals.MAX_SHEET_OFFERS,
        ) % {"count": referrals.MAX_SHEET_OFFERS}
    offers = referrals.sheet_offers(ids) if ids and not error else []
    if not offers:
        if ids and not error:
            error = _("None of the chosen offers is available any more.")
        choices = presented(
            Offer.objects.filter(is_active=True)
            .prefetch_related("translations", "topics")
            .order_by("title")
        )
        return render(
            request,
            "directory/staff/sheet_compose.html",
            {
                "choices": choices,
                "language": language,
                "languages": settings.LANGUAGES,
                "error": error,
                "chosen": ids or [],
                "max_offers": referrals.MAX_SHEET_OFFERS,
            },
            status=400 if error else 200,
        )
    return render(
        request,
        "directory/staff/sheet.html",
        {
            "rows": referrals.sheet_rows(offers, language),
            "language": language,
            "german": GERMAN,
            "show_german_column": language != GERMAN,
            "language_name": dict(settings.LANGUAGES)[language],
            "today": clock.today(),
        },
    )
