"""Public pages: the offer search (no login, works without JavaScript) and an offer's page.

With htmx (an enhancement from a static file) the search form asks for the results part
only (``request.htmx``) and swaps it in while the person types.
"""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from .forms import SearchForm
from .models import Offer
from .search import OfferFilters, search_offers


def presented(offers, language=None):
    """Pairs each offer with its text in the reader's language (or German as fallback)."""
    language = language or get_language()
    return [{"offer": offer, "text": offer.text_in(language)} for offer in offers]


def filters_from(form):
    if not form.is_valid():
        return OfferFilters()
    data = form.cleaned_data
    return OfferFilters(
        query=data.get("q") or "",
        topic=data.get("topic") or "",
        language=data.get("language") or "",
        place=data.get("place") or "",
    )


def offer_search(request):
    form = SearchForm(request.GET or None)
    filters = filters_from(form) if request.GET else OfferFilters()
    results = presented(search_offers(filters))
    context = {"form": form, "results": results, "searched": not filters.is_empty}
    if request.htmx:
        return render(request, "directory/_results.html", context)
    return render(request, "directory/search.html", context)


def offer_detail(request, pk):
    offer = get_object_or_404(
        Offer.objects.prefetch_related("translations", "topics", "languages"),
        pk=pk,
        is_active=True,
    )
    return render(
        request,
        "directory/detail.html",
        {"offer": offer, "text": offer.text_in(get_language())},
    )
