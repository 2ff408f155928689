"""The demo offers: about 40 in Hannover, all seven topics, and seeding twice adds nothing."""

import io

import pytest

from willkommen.directory import demo
from willkommen.directory.demo_data import OFFERS
from willkommen.directory.models import Offer, OfferTranslation, TranslationStatus

pytestmark = pytest.mark.django_db


def test_demo_offers_cover_the_seven_topics(demo_offers):
    assert 38 <= len(demo_offers) <= 50
    covered = {
        slug
        for offer in demo_offers.values()
        for slug in offer.topics.values_list("slug", flat=True)
    }
    assert covered == {"forms", "education", "family", "housing", "leisure", "work", "health"}
    assert all(offer.city == "Hannover" for offer in demo_offers.values())


def test_every_demo_offer_has_german_and_english(demo_offers):
    for offer in demo_offers.values():
        english = offer.text_in("en")
        assert not english.fallback and english.status == TranslationStatus.REVIEWED, offer


def test_housing_and_debt_offers_in_ukrainian_and_arabic(demo_offers):
    for offer in Offer.objects.filter(topics__slug="housing"):
        for language in ("uk", "ar"):
            assert not offer.text_in(language).fallback, (offer, language)


def test_some_demo_offers_are_stale(demo_offers):
    assert any(offer.is_stale for offer in demo_offers.values())


def test_seeding_twice_adds_nothing(demo_offers):
    counts = (Offer.objects.count(), OfferTranslation.objects.count())
    out = io.StringIO()
    demo.seed(out)
    assert (Offer.objects.count(), OfferTranslation.objects.count()) == counts
    assert out.getvalue() == ""
    assert len(OFFERS) == counts[0]
