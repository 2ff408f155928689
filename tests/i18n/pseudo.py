"""A pseudo-translation for the render check.

Every string that goes through gettext (templates' ``{% translate %}`` and
``{% blocktranslate %}``, ``gettext``, ``pgettext``, ``ngettext``, Django's own messages,
month and weekday names) comes out as its msgid with the Latin letters turned into
Cyrillic ones, while the page keeps the target language's direction, formats and
database content. So a page rendered under ``pseudo_translation("ar")`` shows Latin words
only where the text never passed through gettext: an unmarked string, or data that is not
translated. The real catalogue is left out on purpose: a marked string that awaits its
translation (the lead translates after extraction) is not this check's business
(``scripts/check_translations.py`` reports it), and neither is a translator's deliberate
Latin term ("IP", "WCAG").

Placeholders (``%(name)s``, ``%s``, ``{name}``), HTML tags and entities keep their letters,
so that interpolation and markup still work.
"""

import re
from contextlib import contextmanager

from django.utils import translation
from django.utils.translation import trans_real

CONTEXT_SEPARATOR = "\x04"
KEEP = re.compile(r"%\([^)]*\)[sdifr]|%[sdifr%]|\{[^{}]*\}|<[^<>]*>|&#?\w+;")
LATIN_TO_CYRILLIC = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "АБЦДЕФГХИЙКЛМНОПЯРСТУВШЖЫЗабцдефгхийклмнопярстувшжыз",
)


def pseudo(message: str) -> str:
    """``message`` with the letters outside placeholders, tags and entities replaced."""
    if CONTEXT_SEPARATOR in message:  # pgettext: "context\x04message"
        message = message.split(CONTEXT_SEPARATOR, 1)[1]
    pieces, position = [], 0
    for match in KEEP.finditer(message):
        pieces.append(message[position : match.start()].translate(LATIN_TO_CYRILLIC))
        pieces.append(match.group())
        position = match.end()
    pieces.append(message[position:].translate(LATIN_TO_CYRILLIC))
    return "".join(pieces)


@contextmanager
def pseudo_translation(language: str):
    """Activates ``language`` with every message pseudo-translated. Patches the cached
    translation object of that language (the one every request activates) and restores
    it afterwards."""
    catalogue = trans_real.translation(language)

    def gettext(message):
        return pseudo(message)

    def ngettext(singular, plural, number):
        return pseudo(singular if number == 1 else plural)

    catalogue.gettext, catalogue.ngettext = gettext, ngettext
    previous = translation.get_language()
    translation.activate(language)
    try:
        yield
    finally:
        del catalogue.gettext, catalogue.ngettext
        translation.activate(previous)
