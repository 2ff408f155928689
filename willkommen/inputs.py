"""One way to read dates, times and text from query strings, forms and API bodies.

Bad input gets a clear message (HTML) or a structured 4xx (API), never a 500. Two kinds of
input broke pages before, and both are refused here, where input is read, instead of deep
down where they break something:

* **Dates far outside any real use.** ``9999-12-31`` plus a day, or year 1 turned into
  UTC, overflows Python's ``datetime`` (``OverflowError``). Every date and datetime read
  from outside must lie between ``FIRST_DAY`` and ``LAST_DAY``: far enough for any
  booking, statistic or archive, with room for the arithmetic around it.
* **Numbers past the database's integers.** An id like ``99999999999999999999`` makes
  SQLite raise ``OverflowError`` and PostgreSQL ``DataError``; ids are read with
  :func:`parse_id`, and a choice of database rows in a form refuses them first
  (:func:`guard_model_choice_field`).
* **Control characters.** PostgreSQL cannot store or even compare a NUL byte (``DataError``
  from any query that mentions one), lone UTF-16 surrogates cannot be encoded, and no form
  or link of the site sends either, nor the other C0 control characters (tab and line
  breaks aside). ``willkommen.pages.input_guard`` refuses them in addresses, query strings
  and form fields of every page; :class:`InputParser` in every API query and JSON body.

Used by ``willkommen.forms.KernFormMixin`` (every date field of every form), the views
that read dates from the query string, and the API schemas (``ApiDate``, ``ApiDateTime``).
"""

import json
import re
from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import ValidationError as FormValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja.errors import ValidationError as ApiValidationError
from ninja.parser import Parser
from pydantic import AfterValidator

LARGEST_ID = 2**63 - 1  # bigint
ID_TEXT = re.compile(r"[0-9]{1,19}")
INTEGER_FIELD_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
# NUL and the other C0 controls but tab, line feed and carriage return; lone surrogates.
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")

DATE_OUT_OF_RANGE = gettext_lazy(
    "This date is too far in the past or in the future (%(first)s to %(last)s)."
)
INVALID_CHARACTERS = gettext_lazy(
    "The entry contains control characters that cannot be processed. Please check it."
)


class ForbiddenCharacters(ValueError):
    """Input with a control character (see ``FORBIDDEN_CHARACTERS``)."""


def has_forbidden_characters(text: str) -> bool:
    return bool(FORBIDDEN_CHARACTERS.search(text))


def date_in_range(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def date_out_of_range_message() -> str:
    return str(DATE_OUT_OF_RANGE) % {"first": FIRST_DAY.year, "last": LAST_DAY.year}


# --- Query strings -------------------------------------------------------------------------


def parse_date(text: str | None) -> date | None:
    """``YYYY-MM-DD`` from a query string: ``None`` when blank; ``ValueError`` (with a
    message for the user) when malformed or out of range."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("Please enter a date as YYYY-MM-DD.")) from None
    if not date_in_range(day):
        raise ValueError(date_out_of_range_message())
    return day


def parse_month(text: str | None) -> date | None:
    """``YYYY-MM`` as the first day of that month, like :func:`parse_date`."""
    if not text:
        return None
    try:
        year, month = (int(part) for part in text.split("-"))
        first = date(year, month, 1)
    except (ValueError, TypeError):
        raise ValueError(_("Please give the month as YYYY-MM.")) from None
    if not date_in_range(first):
        raise ValueError(date_out_of_range_message())
    return first


def parse_aware_datetime(text: str | None) -> datetime | None:
    """An ISO 8601 moment with its UTC offset, as the time lists send it, or ``None`` if
    it is missing, malformed, without offset or out of range."""
    try:
        moment = datetime.fromisoformat(text or "")
    except ValueError:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        return None
    return moment if date_in_range(moment.date()) else None


def parse_id(text) -> int | None:
    """A database id from a query string or form (ASCII digits, within bigint), else None."""
    text = str(text if text is not None else "").strip()
    if not ID_TEXT.fullmatch(text):
        return None
    number = int(text)
    return number if number <= LARGEST_ID else None


# --- Forms ----------------------------------------------------------------------------------


def _integer_lookup(field) -> bool:
    model = field.queryset.model
    key = field.to_field_name
    model_field = model._meta.get_field(key) if key else model._meta.pk
    return model_field.get_internal_type() in INTEGER_FIELD_TYPES


def guard_model_choice_field(field) -> None:
    """Makes a ``ModelChoiceField`` (or ``ModelMultipleChoiceField``) over integer ids
    refuse a number the database cannot hold, with its own "not one of the choices"
    message, before it asks the database."""
    if getattr(field, "_willkommen_guarded", False):
        return
    clean = field.clean

    def guarded_clean(value):
        # The queryset may be set after the form's __init__: look at it now.
        if field.queryset is None or not _integer_lookup(field):
            return clean(value)
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            text = str(item).strip() if item is not None else ""
            if text and parse_id(text) is None:
                raise FormValidationError(
                    field.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": text[:40]},
                )
        return clean(value)

    field.clean = guarded_clean
    field._willkommen_guarded = True


def validate_date_in_range(value) -> None:
    """Form validator for date and datetime fields."""
    day = value.date() if isinstance(value, datetime) else value
    if isinstance(day, date) and not date_in_range(day):
        raise FormValidationError(date_out_of_range_message(), code="date_out_of_range")


# --- API --------------------------------------------------------------------------------------


def _check_date(value: date) -> date:
    if not date_in_range(value):
        raise ValueError(date_out_of_range_message())
    return value


def _check_datetime(value: datetime) -> datetime:
    _check_date(value.date())
    return value


ApiDate = Annotated[date, AfterValidator(_check_date)]
ApiDateTime = Annotated[datetime, AfterValidator(_check_datetime)]


def _first_forbidden(data, path=()):
    """The path to the first string (key or value) in ``data`` with a forbidden character."""
    if isinstance(data, str):
        return path if has_forbidden_characters(data) else None
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and has_forbidden_characters(key):
                return (*path, key)
            found = _first_forbidden(value, (*path, key))
            if found is not None:
                return found
    if isinstance(data, list):
        for index, value in enumerate(data):
            found = _first_forbidden(value, (*path, index))
            if found is not None:
                return found
    return None


class InputParser(Parser):
    """ninja's parser, refusing control characters in query parameters (422, in the shape
    of every other invalid input) and in JSON bodies (400 ``invalid_characters``, see
    ``willkommen.api_errors``)."""

    def parse_body(self, request):
        data = json.loads(request.body)
        if _first_forbidden(data) is not None:
            raise ForbiddenCharacters(str(INVALID_CHARACTERS))
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        found = _first_forbidden(result)
        if found is not None:
            source = "query" if data is request.GET else "form"
            problem = {"loc": (source, *found), "msg": str(INVALID_CHARACTERS), "type": "value"}
            raise ApiValidationError([problem])
        return result
