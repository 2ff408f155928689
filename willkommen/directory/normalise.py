"""Spelling-tolerant search keys, the same for the stored text and the query.

People type "Schuldnerberatung", "schuldner beratung", "Schuldnerberatug" or
"Schuldnerberatüng", with or without umlauts and on keyboards without them. Every word
is case-folded, ß becomes ss, hyphens and punctuation go, and a word with an umlaut is
kept in both spellings people use ("für" → "fuer" and "fur"), so that either matches.
"""

import re
import unicodedata

UMLAUTS_LONG = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
UMLAUTS_SHORT = str.maketrans({"ä": "a", "ö": "o", "ü": "u"})
# Letters and digits in any script (Latin, Cyrillic, Arabic, …); everything else splits.
WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _fold(text):
    text = unicodedata.normalize("NFC", text).casefold().replace("ß", "ss")
    # Joiners inside compounds ("Schuldner-Beratung", "Schuldner­beratung") are not breaks.
    return re.sub(r"[-\u00ad\u2010\u2011]", "", text)


def words(text):
    """The folded words of ``text``, umlauts still in place."""
    return WORD.findall(_fold(text or ""))


def spellings(word):
    """The spellings of one folded word that the search compares: with ä→ae and ä→a."""
    long_form = word.translate(UMLAUTS_LONG)
    short_form = word.translate(UMLAUTS_SHORT)
    return [long_form] if long_form == short_form else [long_form, short_form]


def search_text(*texts):
    """The stored, normalised search column: every word in every spelling, once."""
    seen = []
    for text in texts:
        for word in words(text):
            for spelling in spellings(word):
                if spelling not in seen:
                    seen.append(spelling)
    return " ".join(seen)


def query_terms(query):
    """The query's words, each as the list of its spellings."""
    return [spellings(word) for word in words(query)]


def joined_query(query):
    """All query words run together ("schuldner beratung" → "schuldnerberatung").

    German writes compounds as one word, people often split them; the joined form is tried
    as an alternative to the separate words. None for one-word queries.
    """
    folded = words(query)
    if len(folded) < 2:
        return None
    return spellings("".join(folded))
