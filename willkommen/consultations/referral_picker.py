"""The local offers on the documentation form: the ones already chosen and the ones the
counsellor looked for with the directory's own search, never every offer of the city (a
list of 44 checkboxes is read by nobody, least of all with a screen reader)."""

from willkommen.directory.models import Offer
from willkommen.directory.search import OfferFilters, search_offers

FOUND_LIMIT = 10


def offer_choices(chosen_ids, query: str):
    """(offer, chosen) pairs: the chosen offers first, then up to ``FOUND_LIMIT`` found."""
    chosen = list(Offer.objects.filter(pk__in=chosen_ids).order_by("title"))
    found = []
    if (query or "").strip():
        found = [
            offer
            for offer in search_offers(OfferFilters(query=query), limit=FOUND_LIMIT)
            if offer.pk not in chosen_ids
        ]
    return [(offer, True) for offer in chosen] + [(offer, False) for offer in found]
