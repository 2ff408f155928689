"""The referral sheet: the offers a counsellor chose, in the client's language and German.

Parsing lives here so that the view stays thin and a bad ``offers`` parameter gives a
message instead of an error page.
"""

from django.conf import settings

from willkommen.inputs import parse_id

from .models import GERMAN, Offer

# One A4 page holds this many offers in two columns; more would spill onto a second page.
MAX_SHEET_OFFERS = 4


def parse_offer_ids(values):
    """``["1,2", "3"]`` → ``[1, 2, 3]`` (order kept, duplicates dropped); None if a value is
    not a number."""
    ids = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            number = parse_id(part)
            if number is None:
                return None
            if number not in ids:
                ids.append(number)
    return ids


def client_language(code):
    supported = {language for language, _name in settings.LANGUAGES}
    return code if code in supported else GERMAN


def sheet_offers(ids):
    """The active offers with these ids, in the order the counsellor chose them."""
    offers = Offer.objects.filter(pk__in=ids, is_active=True).prefetch_related(
        "translations", "topics", "languages"
    )
    by_id = {offer.pk: offer for offer in offers}
    return [by_id[pk] for pk in ids if pk in by_id]


def sheet_rows(offers, language):
    return [
        {"offer": offer, "client": offer.text_in(language), "german": offer.text_in(GERMAN)}
        for offer in offers
    ]
