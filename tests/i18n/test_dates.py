"""Dates follow the chosen language: weekday and month names on the booking's day and time
step, on the confirmation page and in the SMS come from the client's locale, in that
locale's order and grammar (Russian months in the genitive: "24 ноября"), never from a
hard-coded English or German pattern. The expected names come from CLDR (Babel), which
is independent of Django's catalogues."""

import re
from datetime import date

import pytest
from babel.dates import format_date
from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format

from willkommen.booking import notifications
from willkommen.booking.sms import MemoryBackend

from . import flow
from .rendered import visible_texts

LANGUAGES = ["ar", "fa", "ru", "tr"]
pytestmark = pytest.mark.django_db


def names(day: date, locale: str) -> tuple[str, str]:
    """The full weekday name, and the month name as it stands in a date, in ``locale``."""
    return format_date(day, "EEEE", locale=locale), format_date(day, "MMMM", locale=locale)


# Spellings that differ between CLDR and Django's catalogues without either being wrong:
# the hamza on the alef of the Arabic April (أبريل, إبريل), and the ezafe that CLDR adds to
# Persian months ending in ه before the year (ژانویهٔ). Compared without them.
SPELLING_VARIANTS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "\u0654": None})


def normalised(text: str) -> str:
    return text.casefold().translate(SPELLING_VARIANTS)


def has_word(text: str, word: str) -> bool:
    """Whether ``word`` stands in ``text`` as a whole word (the Persian May, "مه", is also
    part of other words), spelling variants aside."""
    return re.search(rf"(?<!\w){re.escape(normalised(word))}(?!\w)", normalised(text)) is not None


def foreign_names(day: date) -> set[str]:
    return {name for locale in ("en", "de") for name in names(day, locale)}


def page_text(html, language):
    return " ".join(visible_texts(html, language)).casefold()


@pytest.mark.parametrize("language", LANGUAGES)
def test_weekday_and_month_names_follow_the_language(client, demo, language, settings):
    settings.SMS_BACKEND = "willkommen.booking.sms.MemoryBackend"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    pages = {}
    appointment, _done = flow.book(
        client, language, lambda label, html: pages.update({label: html})
    )
    day = timezone.localtime(appointment.start).date()
    weekday, month = names(day, language)
    time_list = page_text(pages["time list"], language)
    confirmation = page_text(pages["confirmation page"], language)
    assert has_word(time_list, weekday), (weekday, time_list[:3000])
    assert has_word(time_list, month), (month, time_list[:3000])
    assert has_word(confirmation, weekday) and has_word(confirmation, month)
    for name in foreign_names(day):
        # As a whole word: the English "May" is the start of the Turkish "Mayıs".
        assert not has_word(f"{time_list} {confirmation}", name), name

    appointment.phone = "+4915112345678"
    MemoryBackend.outbox.clear()
    notifications.send_booking_message(appointment, "reminder")
    [(_phone, text)] = MemoryBackend.outbox
    start = timezone.localtime(appointment.start)
    with translation.override(language):
        local_short_date = date_format(start, "SHORT_DATE_FORMAT")
    # The digits are isolated for right-to-left reading (willkommen.bidi): invisible.
    text = "".join(character for character in text if character not in "\u2066\u2069")
    assert local_short_date in text
    if language != "ru":  # Russian writes 24.11.2026 like German; the others do not
        assert start.strftime("%d.%m.%Y") not in text


def test_german_dates_keep_the_day_dot(client, demo):
    """German writes "24. November 2026"; the old hard-coded pattern lost the dot."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = settings.LANGUAGE_CODE
    pages = {}
    appointment, _done = flow.book(client, "de", pages.__setitem__)
    day = timezone.localtime(appointment.start).date()
    expected = format_date(day, "EEEE, d. MMMM y", locale="de")
    assert expected in " ".join(visible_texts(pages["confirmation page"], "de"))
