"""Visible text of rendered pages, messages and calendar files, and the Latin words in it.

Used by the render check: with the UI in Arabic (plus ``pseudo.py``), a Latin word on a
client's page is text that never went through gettext, unless it is a name, an address,
a code or a link (``allowed``).
"""

import re
from html.parser import HTMLParser

VISIBLE_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}
BUTTON_INPUTS = {"submit", "button", "reset"}
INVISIBLE_ELEMENTS = {"script", "style", "template"}
VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip

URL = re.compile(r"\b(?:https?://|mailto:|tel:|www\.)\S+", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A word: what stands between spaces and punctuation; it counts as Latin when it holds a
# Latin letter (with or without accents). Digits and dots stay in the word ("BKX7QZ", "e.V.").
WORD = re.compile(r"[^\s,;:!?()\[\]{}«»„“”‚‘\"/·•–—|<>=*+،؛؟\u200e\u200f\u2066-\u2069]+")
# "(eAT)", "(Wohngeld)": a translated sentence may quote the German or technical term.
BRACKETS = re.compile(r"\([^()]*\)")
# Content in the page's language (the check renders Arabic; UI strings come out Cyrillic).
ARABIC_LETTER = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")
LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")


def latin_tokens(text: str) -> list[str]:
    words = (word.strip(".'’-") for word in WORD.findall(text))
    return [word for word in words if LATIN_LETTER.search(word)]


class _Collector(HTMLParser):
    """Text nodes and visible attribute values, without ``<script>``/``<style>`` and
    without elements in another language than ``language`` (``lang="de"`` marks text that
    is German on purpose). ``within`` limits the collection to elements with that class,
    ``skip`` leaves out elements with that class."""

    def __init__(self, language, within=None, skip=None):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.within = within
        self.skip = skip
        self.stack = []  # (tag, excluded, included)
        self.texts = []

    def _state(self):
        excluded = any(entry[1] for entry in self.stack)
        included = self.within is None or any(entry[2] for entry in self.stack)
        return excluded, included

    def _collecting(self):
        excluded, included = self._state()
        return included and not excluded

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        lang = attributes.get("lang")
        excluded = (
            tag in INVISIBLE_ELEMENTS
            or (lang is not None and lang.split("-")[0] != self.language)
            or (self.skip is not None and self.skip in classes)
        )
        included = self.within is not None and self.within in classes
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, excluded, included))
        if not excluded and (self._collecting() or included):
            self._attributes(tag, attributes)

    def handle_startendtag(self, tag, attrs):
        if self._collecting():
            self._attributes(tag, dict(attrs))

    def _attributes(self, tag, attributes):
        for name, value in attributes.items():
            button = name == "value" and tag == "input"
            if name in VISIBLE_ATTRIBUTES or (
                button and (attributes.get("type") or "").lower() in BUTTON_INPUTS
            ):
                self.texts.append(value or "")

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if self._collecting() and data.strip():
            self.texts.append(" ".join(data.split()))


# Isolated data (willkommen.bidi) belong to the sentence around them: "(eAT)" in Arabic.
ISOLATE_TAG = re.compile(r'</?bdi(?: dir="ltr")?>')


def visible_texts(html: str, language: str, within=None, skip=None) -> list[str]:
    collector = _Collector(language, within, skip)
    collector.feed(ISOLATE_TAG.sub("", html))
    collector.close()
    return collector.texts


def latin_words(text: str, allowed: set[str]) -> list[str]:
    """Latin-script words of ``text`` that are not links, e-mail addresses or allowed."""
    text = EMAIL.sub(" ", URL.sub(" ", text))
    outside = BRACKETS.sub(" ", text)
    if ARABIC_LETTER.search(outside):
        text = outside  # translated content quoting the German term in brackets
    return [word for word in latin_tokens(text) if word not in allowed]


def problems(label: str, texts: list[str], allowed: set[str]) -> list[str]:
    """One line per text that holds a Latin word, naming the page and the words."""
    found = []
    for text in texts:
        words = latin_words(text, allowed)
        if words:
            found.append(f"{label}: {', '.join(dict.fromkeys(words))} in {text[:160]!r}")
    return found
