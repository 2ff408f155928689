"""Demo offers for Hannover (``demo_data.py``), loaded by ``manage.py seed_demo``.

Idempotent: an offer whose reference exists is left alone (staff may have edited it), so a
second run writes nothing. The offers belong to the city (``services.city_organisation``).
Topics and languages that do not exist are skipped.
"""

from datetime import timedelta

from django.db import transaction

from willkommen import clock
from willkommen.organisations.models import Language, Topic

from . import services
from .demo_data import OFFERS
from .models import GERMAN, Offer, OfferTranslation, TranslationStatus

DEFAULT_REVIEW_DAYS = 180
DEMO_CITY = "Hannover"


def _status(language):
    # English was written with care; the rest awaits a native speaker's review.
    return TranslationStatus.REVIEWED if language == "en" else TranslationStatus.MACHINE


def seed(stdout=None):
    existing = set(Offer.objects.values_list("reference", flat=True))
    missing = [data for data in OFFERS if data["reference"] not in existing]
    if not missing:
        return
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    languages = {language.code: language for language in Language.objects.all()}
    today = clock.today()
    owner = services.city_organisation()
    with transaction.atomic():
        for data in missing:
            _create(data, topics, languages, today, owner)
    if stdout is not None:
        stdout.write(f"  {len(missing)} local offers in the directory")


def _create(data, topics, languages, today, owner):
    title, description = data["texts"][GERMAN]
    offer = Offer.objects.create(
        reference=data["reference"],
        title=title,
        description=description,
        provider=data["provider"],
        street=data.get("street", ""),
        postal_code=data.get("postal_code", ""),
        city=data.get("city", DEMO_CITY),
        district=data.get("district", ""),
        opening_hours=data.get("opening_hours", ""),
        cost_kind=data.get("cost_kind", "free"),
        cost_text=data.get("cost_text", ""),
        target_groups=data.get("target_groups", ""),
        phone=data.get("phone", ""),
        email=data.get("email", ""),
        website=data.get("website", ""),
        accessibility=data.get("accessibility", ""),
        review_date=today + timedelta(days=data.get("review_in_days", DEFAULT_REVIEW_DAYS)),
        owner=owner,
    )
    offer.topics.set([topics[slug] for slug in data["topics"] if slug in topics])
    offer.languages.set([languages[code] for code in data["languages"] if code in languages])
    OfferTranslation.objects.bulk_create(
        OfferTranslation(
            offer=offer,
            language=language,
            title=texts[0],
            description=texts[1],
            status=_status(language),
        )
        for language, texts in data["texts"].items()
        if language != GERMAN
    )
    services.refresh_search_text(offer)
