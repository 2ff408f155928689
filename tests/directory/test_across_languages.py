"""An offer that exists only in German is found by a search in another language, through
its topics' names and descriptions in every language, and is shown in German with a note;
the result count uses each language's plural forms."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from willkommen.directory import demo, normalise
from willkommen.directory.models import Offer
from willkommen.directory.search import OfferFilters, search_offers
from willkommen.organisations import demo_data as organisations_demo
from willkommen.organisations.models import Topic

pytestmark = pytest.mark.django_db

GERMAN_COURSE = "integrationskurse-vhs"
QUERIES = {"ar": "دورات اللغة الألمانية", "uk": "курси німецької", "fa": "زبان آلمانی"}


@pytest.fixture
def offers(topics, languages):
    for data in organisations_demo.TOPICS:
        descriptions = {f"description_{code}": text for code, text in data["description"].items()}
        Topic.objects.filter(slug=data["slug"]).update(**descriptions)
    demo.seed()
    return {offer.reference: offer for offer in Offer.objects.all()}


def found(query):
    return [offer.reference for offer in search_offers(OfferFilters(query=query))]


@pytest.mark.parametrize("language", sorted(QUERIES))
def test_untranslated_german_course_is_found_in_other_languages(client, offers, language):
    course = offers[GERMAN_COURSE]
    assert not course.text_in(language).title or course.text_in(language).fallback
    assert GERMAN_COURSE in found(QUERIES[language])
    page = client.get(reverse("directory:search"), {"q": QUERIES[language], "lang": language})
    html = page.content.decode()
    assert course.title in html
    # The German text is marked as German, with a note in the reader's language.
    detail = reverse("directory:detail", args=[course.pk])
    heading = f'<h3 class="kern-title" lang="de" dir="ltr"><a class="kern-link" href="{detail}">'
    assert heading + course.title in html
    with translation.override(language):
        assert translation.gettext("Not available in your language — shown in German") in html


def test_control_without_the_topics_descriptions_nothing_is_found(offers):
    """The search column as it was (titles, translations, topic names only)."""
    for offer in Offer.objects.prefetch_related("translations", "topics"):
        texts = [offer.title, offer.description, offer.provider]
        texts += [t.title for t in offer.translations.all()] + [
            t.description for t in offer.translations.all()
        ]
        for topic in offer.topics.all():
            texts += [v for k, v in vars(topic).items() if k.startswith("name_") and v]
        Offer.objects.filter(pk=offer.pk).update(search_text=normalise.search_text(*texts))
    assert GERMAN_COURSE not in found(QUERIES["ar"])
    assert GERMAN_COURSE not in found(QUERIES["uk"])


@pytest.mark.parametrize(
    "count, expected, wrong",
    [(1, "تم العثور على عرض واحد", "1 عرض"), (2, "تم العثور على عرضين", "2 عرضين")],
)
def test_arabic_count_uses_the_dual_without_a_number(offers, count, expected, wrong):
    results = [
        {"offer": offer, "text": offer.text_in("ar")} for offer in list(offers.values())[:count]
    ]
    with translation.override("ar"):
        html = render_to_string("directory/_results.html", {"results": results, "searched": True})
    heading = html.split("</h2>", 1)[0]
    assert expected in heading and wrong not in heading
