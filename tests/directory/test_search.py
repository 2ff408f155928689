"""The offer search on the demo offers: typos, umlauts, split compounds, other scripts.

Runs on whichever database the suite uses: SQLite (Python matching) by default, PostgreSQL
(full text plus trigrams) with DATABASE_URL. The same expectations hold for both.
"""

import pytest
from django.db import connection

from willkommen.directory import search
from willkommen.directory.search import OfferFilters, search_offers

pytestmark = pytest.mark.django_db

DEBT = {"schuldnerberatung-diakonie", "schuldnerpraevention-caritas"}
HOUSING = {
    "mieterverein-hannover",
    "wohnungsvermittlung-stadt",
    "wohngeldstelle",
    "zentrale-beratungsstelle-wohnungsnot",
    "fachstelle-wohnungssicherung",
    "stromspar-check",
}
UNRELATED = {"integration-durch-sport", "jugendzentrum-stoecken", "gesundheitsamt-region"}


def references(**filters):
    return [offer.reference for offer in search_offers(OfferFilters(**filters))]


@pytest.mark.parametrize(
    "query",
    [
        "Schuldnerberatung",
        "schuldner beratung",
        "Schuldnerberatug",
        "Schuldnerberatüng",
        "schuldner-beratung",
        "SCHULDNERBERATUNG",
    ],
)
def test_debt_counselling_is_found_however_it_is_spelt(demo_offers, query):
    found = references(query=query)
    assert set(found[:2]) == DEBT, found
    assert not UNRELATED & set(found)


@pytest.mark.parametrize("query", ["Fußball", "Fussball", "fussbal"])
def test_sharp_s_and_typos(demo_offers, query):
    found = references(query=query)
    assert set(found) >= {"integration-durch-sport", "jugendzentrum-stoecken"}


@pytest.mark.parametrize("query", ["Gebühr fur Kinder", "Gebuehr fuer Kinder"])
def test_umlaut_spellings_match_each_other(make_offer, query):
    wanted = make_offer("Schwimmen", description="Keine Gebühr für Kinder unter zehn Jahren.")
    make_offer("Schwimmen für Erwachsene", description="Eintritt 4 Euro.")
    assert references(query=query) == [wanted.reference]


def test_ukrainian_misspelt_query_finds_housing_offers(demo_offers):
    # "квартіри" for "квартири" (flats): the Ukrainian/Russian і/и mix-up.
    found = references(query="квартіри")
    assert found and set(found) <= HOUSING
    assert "mieterverein-hannover" in found


def test_ukrainian_query_finds_housing(demo_offers):
    found = references(query="житло")
    assert set(found) >= {"wohnungsvermittlung-stadt", "fachstelle-wohnungssicherung"}
    assert not UNRELATED & set(found)


def test_arabic_query_finds_debt_offers(demo_offers):
    assert set(references(query="الديون")) >= DEBT | {"schuldnerberatung-awo"}


def test_english_query_finds_housing(demo_offers):
    found = references(query="housing")
    assert set(found) >= HOUSING - {"stromspar-check"}


def test_every_word_must_match(demo_offers):
    assert references(query="Kita Platz") == ["kita-servicebuero"]
    assert references(query="Kita Fußball") == []


def test_nonsense_finds_nothing(demo_offers):
    assert references(query="zzzz qqqq") == []


def test_filter_by_topic_language_and_place(demo_offers):
    housing = references(topic="housing")
    assert set(housing) >= HOUSING and len(housing) == 7
    arabic_housing = references(topic="housing", language="ar")
    assert set(arabic_housing) == {"fachstelle-wohnungssicherung", "stromspar-check"}
    assert set(references(place="Linden-Süd", topic="family")) == {
        "familienzentrum-linden",
        "schuldnerberatung-awo",
    }
    assert set(references(place="30449")) == {
        "familienzentrum-linden",
        "schuldnerberatung-awo",
        "jmd-awo",
        "stadtteilbibliothek-linden",
    }


def test_text_and_filters_combine(demo_offers):
    found = references(query="Wohngeld", place="30161")
    # The Aktiv-Pass names Wohngeld among its target groups; it ranks below the office.
    assert found == ["wohngeldstelle", "hannover-aktiv-pass"]
    assert references(query="Schuldnerberatung", topic="leisure") == []


def test_inactive_offers_are_not_found(demo_offers):
    offer = demo_offers["schuldnerberatung-diakonie"]
    offer.is_active = False
    offer.save()
    assert "schuldnerberatung-diakonie" not in references(query="Schuldnerberatung")


def test_without_query_results_are_alphabetical(demo_offers):
    offers = search_offers(OfferFilters(topic="health"))
    titles = [offer.title for offer in offers]
    assert titles == sorted(titles)


def test_the_engine_matches_the_database(demo_offers, monkeypatch):
    """On PostgreSQL the database does the search; on SQLite the Python matcher."""

    def fail(*args, **kwargs):
        raise AssertionError("wrong engine")

    if connection.vendor == "postgresql":
        monkeypatch.setattr(search, "_python_search", fail)
    else:
        monkeypatch.setattr(search, "_postgres_search", fail)
    assert references(query="Schuldnerberatug")


@pytest.mark.postgres_only
def test_postgres_has_the_trigram_extension(db):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == (1,)
