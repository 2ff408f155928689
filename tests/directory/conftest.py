"""Fixtures for the directory tests: the seven topics, languages, offers, the demo set."""

from datetime import timedelta

import pytest
from django.utils import timezone

from willkommen.directory import demo, services
from willkommen.directory.models import Offer, OfferTranslation, TranslationStatus
from willkommen.organisations import demo_data as organisations_demo
from willkommen.organisations.models import Language, Topic


@pytest.fixture
def topics(db):
    created = {}
    for position, data in enumerate(organisations_demo.TOPICS):
        names = {f"name_{code}": text for code, text in data["name"].items()}
        created[data["slug"]] = Topic.objects.create(
            slug=data["slug"], sort_order=position, **names
        )
    return created


@pytest.fixture
def languages(db):
    return {data["code"]: Language.objects.create(**data) for data in organisations_demo.LANGUAGES}


@pytest.fixture
def demo_offers(topics, languages):
    demo.seed()
    return {offer.reference: offer for offer in Offer.objects.all()}


@pytest.fixture
def make_offer(topics, languages):
    counter = {"n": 0}

    def make(
        title="Beratung", *, translations=None, topic_slugs=("forms",), codes=("de",), **extra
    ):
        counter["n"] += 1
        values = {
            "reference": f"offer-{counter['n']}",
            "title": title,
            "description": extra.pop("description", f"{title} – Beschreibung"),
            "provider": "Träger",
            "street": "Am Markt 1",
            "postal_code": "30159",
            "city": "Hannover",
            "district": "Mitte",
            "review_date": timezone.localdate() + timedelta(days=30),
        }
        values.update(extra)
        offer = Offer.objects.create(**values)
        offer.topics.set([topics[slug] for slug in topic_slugs])
        offer.languages.set([languages[code] for code in codes])
        for code, (t_title, t_description, status) in (translations or {}).items():
            OfferTranslation.objects.create(
                offer=offer,
                language=code,
                title=t_title,
                description=t_description,
                status=status,
            )
        services.refresh_search_text(offer)
        return offer

    return make


REVIEWED = TranslationStatus.REVIEWED
MACHINE = TranslationStatus.MACHINE
