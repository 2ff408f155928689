"""Import and export of offers as CSV and JSON, so a city can load the list it already has.

One flat record per offer; the columns (CSV) and keys (JSON) are the same:
``EXPORT_FIELDS``. Lists (topics as slugs, languages as ISO 639 codes) are separated by
``;`` in CSV and are arrays in JSON. ``reference`` identifies an offer: an import updates
the offer with that reference or creates it. CSV cells that a spreadsheet could run as a
formula get a leading apostrophe (``willkommen.spreadsheets``); the import takes it off.

An import is all or nothing: every row is validated first, with the same form staff use,
and if any row has an error the errors are returned (row, column, message) and nothing is
written. Only a clean file is saved, in one transaction.

An import only touches the importing organisation's own offers: a row whose reference
names another organisation's offer is reported (``skipped``) and left alone; new offers
belong to the importer. Every change is in the offers' trail.
"""

import csv
import io
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from willkommen.spreadsheets import SafeDictWriter, restore_cell

from . import services
from .forms import OfferForm
from .models import GERMAN, CostKind, Offer, translation_languages

MAX_IMPORT_BYTES = 5 * 1024 * 1024
LIST_SEPARATOR = ";"
LIST_FIELDS = ("topics", "languages")
TRUE_WORDS = {"1", "true", "yes", "ja", "y", "x"}
FALSE_WORDS = {"0", "false", "no", "nein", "n"}


def _translation_columns():
    columns = []
    for code in translation_languages():
        columns += [f"title_{code}", f"description_{code}", f"status_{code}"]
    return columns


# Form field → column, where they differ (the German text is the offer's own field).
COLUMN_OF_FIELD = {"title": f"title_{GERMAN}", "description": f"description_{GERMAN}"}


def _export_fields():
    """The staff form's fields, in its order, with the other languages' texts after the
    German description: one list, so the file format cannot drift from the form."""
    columns = []
    for field in OfferForm.Meta.fields:
        columns.append(COLUMN_OF_FIELD.get(field, field))
        if field == "description":
            columns += _translation_columns()
    return columns


EXPORT_FIELDS = _export_fields()


@dataclass(frozen=True)
class RowError:
    row: int | None  # CSV: the line number (the header is line 1); JSON: 1-based position
    field: str
    message: str


@dataclass(frozen=True)
class SkippedRow:
    row: int
    reference: str
    owner: str  # the organisation the offer belongs to


class ImportResult:
    def __init__(self, errors=None, created=0, updated=0, skipped=None):
        self.errors = errors or []
        self.created = created
        self.updated = updated
        self.skipped = skipped or []

    @property
    def ok(self):
        return not self.errors


# --- Export ------------------------------------------------------------------------------


def offer_record(offer):
    """The flat record of one offer; lists stay lists (CSV joins them)."""
    translations = {t.language: t for t in offer.translations.all()}
    record = {
        "reference": offer.reference,
        f"title_{GERMAN}": offer.title,
        f"description_{GERMAN}": offer.description,
    }
    for code in translation_languages():
        translation = translations.get(code)
        record[f"title_{code}"] = translation.title if translation else ""
        record[f"description_{code}"] = translation.description if translation else ""
        record[f"status_{code}"] = translation.status if translation else "missing"
    record.update(
        {
            "topics": sorted(topic.slug for topic in offer.topics.all()),
            "languages": sorted(language.code for language in offer.languages.all()),
            "review_date": offer.review_date.isoformat(),
            "is_active": offer.is_active,
        }
    )
    for name in EXPORT_FIELDS:
        if name not in record:
            record[name] = getattr(offer, name)
    return {name: record[name] for name in EXPORT_FIELDS}


def export_queryset():
    return Offer.objects.order_by("reference").prefetch_related(
        "translations", "topics", "languages"
    )


def export_json(offers=None):
    records = [offer_record(offer) for offer in (offers or export_queryset())]
    return json.dumps(records, ensure_ascii=False, indent=2)


def export_csv(offers=None):
    buffer = io.StringIO()
    writer = SafeDictWriter(buffer, fieldnames=EXPORT_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for offer in offers or export_queryset():
        record = offer_record(offer)
        for name in LIST_FIELDS:
            record[name] = LIST_SEPARATOR.join(record[name])
        record["is_active"] = "yes" if record["is_active"] else "no"
        writer.writerow(record)
    return buffer.getvalue()


# --- Import ------------------------------------------------------------------------------


def read_records(content: bytes, filename: str):
    """Parses the file into ``[(row number, record)]``; raises ``ValueError`` with a
    translated message when the file as a whole cannot be read."""
    if len(content) > MAX_IMPORT_BYTES:
        raise ValueError(_("The file is larger than 5 MB."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(_("The file is not UTF-8 text.")) from error
    if filename.lower().endswith(".json") or text.lstrip().startswith("["):
        return _read_json(text)
    return _read_csv(text)


def _read_json(text):
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(
            _("The JSON is invalid (line %(line)s): %(error)s")
            % {"line": error.lineno, "error": error.msg}
        ) from error
    if not isinstance(data, list):
        raise ValueError(_("The JSON must be a list of offers."))
    records = []
    for position, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            item = {"__invalid__": True}
        records.append((position, item))
    return records


def _read_csv(text):
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    if not reader.fieldnames or "reference" not in reader.fieldnames:
        raise ValueError(_("The first line must name the columns, starting with “reference”."))
    records = []
    for record in reader:
        # reader.line_num is the physical line where the record ended (the header is 1).
        # Cells of our own export carry the formula guard's marker: take it off again.
        records.append(
            (
                reader.line_num,
                {
                    key: restore_cell(value) if isinstance(value, str) else value
                    for key, value in record.items()
                    if key
                },
            )
        )
    return records


def _as_list(value):
    if value is None:
        return []
    if isinstance(value, list):
        return [str(item).strip() for item in value if str(item).strip()]
    parts = str(value).replace(",", LIST_SEPARATOR).split(LIST_SEPARATOR)
    return [item.strip() for item in parts if item.strip()]


def _as_bool(value):
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text == "" or text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(text)


def _form_data(record):
    data = {
        key: ("" if value is None else str(value))
        for key, value in record.items()
        if key not in LIST_FIELDS and key != "is_active"
    }
    data["title"] = data.pop(f"title_{GERMAN}", "")
    data["description"] = data.pop(f"description_{GERMAN}", "")
    for name in LIST_FIELDS:
        data[name] = _as_list(record.get(name))
    # A city's own list rarely has a cost column; most offers are free (the model default).
    data["cost_kind"] = data.get("cost_kind") or CostKind.FREE
    return data


def _unique_reference(title, taken):
    base = slugify(title)[:60] or "offer"
    candidate, number = base, 2
    while candidate in taken or Offer.objects.filter(reference=candidate).exists():
        candidate = f"{base}-{number}"
        number += 1
    return candidate


def validate_records(records, organisation=None):
    """Validates every record; returns ``(forms, errors, skipped)``: rows naming an offer
    that does not belong to ``organisation`` are skipped. Nothing is written."""
    errors, forms, seen, skipped = [], [], {}, []
    for row, record in records:
        if record.get("__invalid__"):
            errors.append(RowError(row, "", _("This entry is not an object with fields.")))
            continue
        unknown = sorted(set(record) - set(EXPORT_FIELDS))
        if unknown:
            errors.append(
                RowError(row, ", ".join(unknown), _("Unknown column: not part of the format."))
            )
            continue
        data = _form_data(record)
        try:
            data["is_active"] = _as_bool(record.get("is_active"))
        except ValueError:
            errors.append(RowError(row, "is_active", _("Use yes or no.")))
            continue
        reference = data.get("reference", "").strip()
        if not reference:
            reference = _unique_reference(data["title"], seen)
        data["reference"] = reference
        if reference in seen:
            errors.append(
                RowError(
                    row,
                    "reference",
                    _("The reference %(reference)s is already used in row %(row)s.")
                    % {"reference": reference, "row": seen[reference]},
                )
            )
            continue
        seen[reference] = row
        existing = Offer.objects.filter(reference=reference).select_related("owner").first()
        if existing is not None and (organisation is None or existing.owner_id != organisation.pk):
            owner = str(existing.owner) if existing.owner else ""
            skipped.append(SkippedRow(row, reference, owner))
            continue
        form = OfferForm(data, instance=existing)
        if form.is_valid():
            forms.append(form)
            continue
        for field, messages in form.errors.items():
            column = COLUMN_OF_FIELD.get(field, field if field != "__all__" else "")
            for message in messages:
                errors.append(RowError(row, column, message))
    return forms, errors, skipped


def import_offers(
    content: bytes, filename: str, *, organisation, actor=None, source="import"
) -> ImportResult:
    """Imports a CSV or JSON file all or nothing into ``organisation``'s offers (``actor``
    the staff member, None from the command line); see the module docstring."""
    try:
        records = read_records(content, filename)
    except ValueError as error:
        return ImportResult([RowError(None, "", str(error))])
    if not records:
        return ImportResult([RowError(None, "", _("The file contains no offers."))])
    with transaction.atomic():
        forms, errors, skipped = validate_records(records, organisation)
        if errors:
            return ImportResult(errors)
        created = updated = 0
        for form in forms:
            if form.instance.pk:
                updated += 1
            else:
                created += 1
            services.save_offer_form(form, actor, owner=organisation, source=source)
    return ImportResult(created=created, updated=updated, skipped=skipped)
