"""Arabic counts: the singular and the dual name their number in the word itself
("عرضان", two offers). Written with the digit ("2 عرضين") they read "2 two-offers", the
fault seen in the directory. Every Arabic plural entry is checked: its forms for one and
two do not show the counted number."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "ar" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def faults(messages):
    """(msgid, form) where the singular (1) or dual (2) form repeats the counted number."""
    found = []
    for message in messages:
        if not message.pluralizable or not message.id[0]:
            continue
        counted = PLACEHOLDER.search(message.id[0]).group(1)
        for form in (1, 2):
            if f"%({counted})" in message.string[form]:
                found.append((message.id[0], form))
    return found


def test_arabic_one_and_two_are_words_not_digits():
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="ar")
    assert faults(catalogue) == []


def test_control_the_former_offer_count_is_caught():
    from babel.messages.catalog import Catalog

    catalogue = Catalog(locale="ar")
    catalogue.add(
        ("%(counter)s offer found", "%(counter)s offers found"),
        tuple(
            f"تم العثور على %(counter)s {word}"
            for word in ("عرض", "عرض", "عرضين", "عروض", "عرضًا", "عرض")
        ),
    )
    assert faults(catalogue) == [("%(counter)s offer found", 1), ("%(counter)s offer found", 2)]
