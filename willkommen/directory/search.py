"""The public offer search: by topic, language spoken, place and spelling-tolerant text.

Two engines with the same contract, chosen by the database in use:

* PostgreSQL: full-text search (German stemming on the German text, a ``simple`` match on
  the normalised column that carries every translation) OR trigram word similarity of each
  query word against the normalised column; both ranked together.
* SQLite (the embedded default): the normalised column is compared word by word in Python
  (exact, prefix, part of a compound, or ``difflib`` similarity). Fine for the few hundred
  offers of one city.

Every query word must match (or all words run together must, for split compounds), so that
adding a word narrows the result as people expect.
"""

from dataclasses import dataclass
from difflib import SequenceMatcher

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import ExpressionWrapper, F, FloatField, Q, Value
from django.db.models.functions import Greatest, Least

from . import normalise
from .models import Offer

MAX_RESULTS = 50
# SQLite engine: how similar a query word and a stored word must be (0..1).
WORD_MATCH = 0.78
# PostgreSQL engine: the trigram word similarity each query word needs.
TRIGRAM_MATCH = 0.55
# Query words run together must match nearly exactly (else "kita fussball" ~ "fussball").
JOINED_WORD_MATCH = 0.88
JOINED_TRIGRAM_MATCH = 0.8
# Words this short only count if they match exactly or as a prefix.
SHORT_WORD = 3


@dataclass(frozen=True)
class OfferFilters:
    query: str = ""
    topic: str = ""
    language: str = ""
    place: str = ""

    @property
    def is_empty(self):
        return not (self.query.strip() or self.topic or self.language or self.place.strip())


def search_offers(filters: OfferFilters, *, limit=MAX_RESULTS):
    """Active offers matching ``filters``, best first (alphabetical without a text query)."""
    offers = _filtered(filters)
    terms = _significant_terms(filters.query)
    if not terms:
        return list(offers.order_by("title")[:limit])
    if connection.vendor == "postgresql":
        return _postgres_search(offers, filters.query, terms, limit)
    return _python_search(offers, filters.query, terms, limit)


def _filtered(filters):
    offers = Offer.objects.filter(is_active=True).prefetch_related(
        "translations", "topics", "languages"
    )
    if filters.topic:
        offers = offers.filter(topics__slug=filters.topic)
    if filters.language:
        offers = offers.filter(languages__code=filters.language)
    place = filters.place.strip()
    if place:
        offers = offers.filter(
            Q(district__icontains=place) | Q(postal_code__startswith=place) | Q(city__iexact=place)
        )
    return offers.distinct()


def _significant_terms(query):
    """Query words, each as its spellings; tiny words ("in", "an") are dropped unless they
    are all there is."""
    terms = normalise.query_terms(query or "")
    long_terms = [term for term in terms if len(term[0]) >= SHORT_WORD]
    return long_terms or terms


# --- SQLite: Python matching -----------------------------------------------------------


def word_similarity(spelling, word):
    """How well one query spelling matches one stored word (1.0 = the same)."""
    if spelling == word:
        return 1.0
    if word.startswith(spelling) and len(spelling) >= SHORT_WORD:
        return 0.95
    if len(spelling) <= SHORT_WORD:
        return 0.0
    if spelling in word:
        return 0.9  # a part of a compound: "beratung" in "schuldnerberatung"
    whole = SequenceMatcher(None, spelling, word).ratio()
    # A misspelt beginning of a longer compound: "schuldnerberatug" ~ "schuldnerberatungs…".
    start = SequenceMatcher(None, spelling, word[: len(spelling) + 1]).ratio() * 0.95
    return max(whole, start)


def term_score(term, stored_words):
    return max(
        (word_similarity(spelling, word) for spelling in term for word in stored_words),
        default=0.0,
    )


def text_score(terms, joined, stored_words):
    """The offer's score for the query, or 0 if a word does not match."""
    scores = [term_score(term, stored_words) for term in terms]
    separate = sum(scores) / len(scores) if min(scores) >= WORD_MATCH else 0.0
    together = term_score(joined, stored_words) if joined else 0.0
    return max(separate, together if together >= JOINED_WORD_MATCH else 0.0)


def _python_search(offers, query, terms, limit):
    joined = normalise.joined_query(query)
    ranked = []
    for offer in offers:
        score = text_score(terms, joined, set(offer.search_text.split()))
        if not score:
            continue
        titles = " ".join([offer.title, *(t.title for t in offer.translations.all())])
        title_words = set(normalise.search_text(titles).split())
        score += 0.2 * text_score(terms, joined, title_words)
        ranked.append((-score, offer.title, offer))
    ranked.sort(key=lambda row: row[:2])
    return [offer for _score, _title, offer in ranked[:limit]]


# --- PostgreSQL: full text plus trigrams -------------------------------------------------


def _greatest(expressions):
    return expressions[0] if len(expressions) == 1 else Greatest(*expressions)


def _least(expressions):
    return expressions[0] if len(expressions) == 1 else Least(*expressions)


def _postgres_search(offers, query, terms, limit):
    vector = (
        SearchVector("title", weight="A", config="german")
        + SearchVector("description", weight="B", config="german")
        + SearchVector("search_text", weight="C", config="simple")
    )
    normalised_words = " ".join(spelling for term in terms for spelling in term[:1])
    text_query = SearchQuery(query, config="german", search_type="websearch") | SearchQuery(
        normalised_words, config="simple", search_type="plain"
    )

    def similarity(term):
        return _greatest(
            [TrigramWordSimilarity(Value(spelling), "search_text") for spelling in term]
        )

    every_word = _least([similarity(term) for term in terms])
    joined = normalise.joined_query(query)
    offers = offers.annotate(
        document=vector,
        fts_rank=SearchRank(vector, text_query),
        every_word=every_word,
        together=similarity(joined) if joined else Value(0.0, output_field=FloatField()),
    ).annotate(
        score=ExpressionWrapper(
            F("fts_rank") + Greatest(F("every_word"), F("together")), output_field=FloatField()
        )
    )
    # ts_rank is above 0 for partial matches too: the full-text condition is the @@ match.
    offers = offers.filter(
        Q(document=text_query)
        | Q(every_word__gte=TRIGRAM_MATCH)
        | Q(together__gte=JOINED_TRIGRAM_MATCH)
    )
    return list(offers.order_by("-score", "title")[:limit])
