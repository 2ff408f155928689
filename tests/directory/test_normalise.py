"""The normalised search keys: folding rules and properties that the search relies on."""

from hypothesis import given
from hypothesis import strategies as st

from willkommen.directory import normalise
from willkommen.directory.search import text_score


def test_folding_rules():
    assert normalise.words("Schuldner-Beratung") == ["schuldnerberatung"]
    assert normalise.words("Straße") == ["strasse"]
    assert normalise.spellings("für") == ["fuer", "fur"]
    assert normalise.search_text("Für Familien, für alle") == "fuer fur familien alle"
    assert normalise.joined_query("schuldner beratung") == ["schuldnerberatung"]
    assert normalise.joined_query("Beratung") is None
    assert normalise.words("Житло, السكن!") == ["житло", "السكن"]


WORD = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzäöüßжитлоقسكن"), min_size=3, max_size=12
)


@given(st.lists(WORD, min_size=1, max_size=6), st.data())
def test_any_stored_word_is_found_in_any_case_and_umlaut_spelling(words, data):
    stored = set(normalise.search_text(" ".join(words)).split())
    word = data.draw(st.sampled_from(words))
    variant = word.upper() if data.draw(st.booleans()) else word
    variant = (
        variant.replace("ä", "ae").replace("Ä", "AE") if data.draw(st.booleans()) else variant
    )
    terms = normalise.query_terms(variant)
    assert text_score(terms, None, stored) >= 0.9


@given(st.text(max_size=40))
def test_normalising_is_stable(text):
    once = normalise.search_text(text)
    assert normalise.search_text(once) == once
