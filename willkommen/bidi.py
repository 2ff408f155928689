"""Keeping Latin-script and numeric data in one piece inside right-to-left text.

Clients read their booking code, the reference of an appointment booked elsewhere, times,
addresses and names aloud to staff. Inside Arabic or Persian text the Unicode
Bidirectional Algorithm lets such a datum interact with its neighbours: a time range
"09:00–09:30" after a date turns into "09:30–09:00", a bracket at the end of
"(Hannover Service Center)" jumps to the other side, a district in brackets lands before
its street. An *isolate* makes the datum one neutral unit for the text around it and
lays it out left to right inside.

* HTML: ``<bdi dir="ltr">…</bdi>`` (``isolate_html``; the template filter ``isolate`` and
  the tag ``{% isolate %}…{% endisolate %}`` in ``pages/templatetags/bidi.py``).
* Plain text (e-mail, SMS, calendar files), where no markup exists: the Unicode
  isolates LRI … PDI (``isolate_text``). They are added only while a right-to-left
  language is active: in German they would help nobody, and one non-GSM character makes
  an SMS cost twice.

A value without any right-to-left letter is one datum and isolated whole. In a value that
mixes scripts (an Arabic name with the German one in brackets, directions that name a
stop) each left-to-right stretch is isolated on its own, together with brackets that
enclose it.
"""

import unicodedata

from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language_bidi

LRI = "\u2066"
FSI = "\u2068"
PDI = "\u2069"
BIDI_CONTROLS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

_STRONG_RTL = {"R", "AL"}
_STARTS_DATUM = {"L", "EN"}
# Signs that belong to the number right after them: "+49 511 …", "-5", "#3".
_LEADING_SIGNS = {"ES", "ET"}
_OPENING = {"(": ")", "[": "]", "{": "}", "<": ">"}


def _bidi_class(character: str) -> str:
    return unicodedata.bidirectional(character)


def _has_rtl(text: str) -> bool:
    return any(_bidi_class(character) in _STRONG_RTL for character in text)


def _close_brackets(text: str, start: int, end: int, limit: int) -> int:
    """Moves ``end`` over closing brackets that answer an opening one inside the run."""
    open_stack = [_OPENING[c] for c in text[start:end] if c in _OPENING]
    for character in text[start:end]:
        if open_stack and character == open_stack[-1]:
            open_stack.pop()
    while open_stack and end < limit and text[end] == open_stack[-1]:
        open_stack.pop()
        end += 1
    return end


def _run_end(text: str, start: int) -> int:
    """End of the left-to-right stretch that starts at ``start``: up to the last strong
    left-to-right letter or digit before the next right-to-left letter."""
    limit = start
    last = start
    while limit < len(text) and _bidi_class(text[limit]) not in _STRONG_RTL:
        if _bidi_class(text[limit]) in _STARTS_DATUM:
            last = limit + 1
        limit += 1
    return _close_brackets(text, start, last, limit)


def ltr_runs(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into pieces, each marked True when it is a left-to-right datum."""
    if not text:
        return []
    if not _has_rtl(text):
        stripped = text.strip()
        if not any(_bidi_class(c) in _STARTS_DATUM for c in stripped):
            return [(text, False)]
        head = text[: len(text) - len(text.lstrip())]
        tail = text[len(text.rstrip()) :]
        return [(part, part == stripped) for part in (head, stripped, tail) if part]
    pieces = []
    position = 0
    index = 0
    while index < len(text):
        if _bidi_class(text[index]) not in _STARTS_DATUM:
            index += 1
            continue
        start = index
        while start > position and _bidi_class(text[start - 1]) in _LEADING_SIGNS:
            start -= 1
        end = _run_end(text, index)
        # Brackets around the whole stretch belong to it: "(Hannover Service Center)".
        if start > position and end < len(text) and _OPENING.get(text[start - 1]) == text[end]:
            start -= 1
            end += 1
        if start > position:
            pieces.append((text[position:start], False))
        pieces.append((text[start:end], True))
        position = index = end
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces


def isolate_text(value, *, force: bool = False) -> str:
    """Plain text with LRI … PDI around every left-to-right datum, while a right-to-left
    language is active (or with ``force``)."""
    text = "" if value is None else str(value)
    if not (force or get_language_bidi()):
        return text
    return "".join(
        f"{LRI}{piece}{PDI}" if is_datum else piece for piece, is_datum in ltr_runs(text)
    )


def isolate_html(value):
    """Escaped HTML with ``<bdi dir="ltr">`` around every left-to-right datum. Text that
    is already safe HTML (markup) is never cut inside: wrapped whole when it holds no
    right-to-left letter, else left as it is."""
    if value is None or value == "":
        return ""
    if hasattr(value, "__html__"):
        if _has_rtl(str(value)):
            return value
        return format_html('<bdi dir="ltr">{}</bdi>', value)
    return format_html_join(
        "",
        "{}",
        (
            (format_html('<bdi dir="ltr">{}</bdi>', piece) if is_datum else piece,)
            for piece, is_datum in ltr_runs(str(value))
        ),
    )


def strip_bidi_controls(value: str) -> str:
    """What a person copied from a message, without the invisible direction marks (for
    forms that take back a code the client pasted)."""
    return "".join(character for character in value if character not in BIDI_CONTROLS)
