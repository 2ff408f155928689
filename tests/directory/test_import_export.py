"""Import and export: a bad row rejects the whole file with row-level messages; an export
imports back unchanged; the commands do the same."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from willkommen.directory import exchange
from willkommen.directory.models import Offer, OfferTranslation
from willkommen.organisations.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db


def city():
    return Organisation.objects.get_or_create(
        short_name="Stadt",
        defaults={"name": "Stadt Testhausen", "kind": OrganisationKind.CITY_SOCIAL_SERVICES},
    )[0]


def import_into_city(content, filename):
    """An import by the city (the coordinators' organisation), which owns what it makes."""
    return exchange.import_offers(content, filename, organisation=city())


def good_record(reference, **changes):
    record = {
        "reference": reference,
        "title_de": f"Beratung {reference}",
        "description_de": "Kostenlose Beratung.",
        "title_uk": f"Консультація {reference}",
        "description_uk": "Безкоштовна консультація.",
        "status_uk": "reviewed",
        "topics": "housing;family",
        "provider": "Träger e. V.",
        "street": "Am Markt 1",
        "postal_code": "30159",
        "city": "Hannover",
        "district": "Mitte",
        "languages": "de;uk",
        "cost_kind": "free",
        "review_date": "2030-01-31",
        "is_active": "yes",
    }
    record.update(changes)
    return record


def as_csv(records):
    columns = list(dict.fromkeys(key for record in records for key in record))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue().encode()


def test_csv_import_creates_offers_with_translations(topics, languages):
    result = import_into_city(as_csv([good_record("a"), good_record("b")]), "offers.csv")
    assert result.ok and result.created == 2
    offer = Offer.objects.get(reference="a")
    assert set(offer.topics.values_list("slug", flat=True)) == {"housing", "family"}
    assert offer.text_in("uk").title == "Консультація a"
    assert "консультація" in offer.search_text.split()


def test_one_bad_row_rejects_the_file_with_a_row_level_message(topics, languages):
    records = [
        good_record("a"),
        good_record("b", review_date="31.02.2030"),
        good_record("c"),
    ]
    result = import_into_city(as_csv(records), "offers.csv")
    assert not result.ok
    assert [(error.row, error.field) for error in result.errors] == [(3, "review_date")]
    assert Offer.objects.count() == 0
    assert OfferTranslation.objects.count() == 0


def test_every_bad_row_and_field_is_reported(topics, languages):
    records = [
        good_record("a", topics="housing;nonsense"),
        good_record("b", title_de="", email="not-an-address"),
        good_record("a"),
        good_record("d", is_active="maybe"),
        good_record("e", status_uk="missing"),
    ]
    result = import_into_city(as_csv(records), "offers.csv")
    reported = {(error.row, error.field) for error in result.errors}
    assert reported == {
        (2, "topics"),
        (3, "title_de"),
        (3, "email"),
        (4, "reference"),
        (5, "is_active"),
        (6, "status_uk"),
    }
    assert Offer.objects.count() == 0


def test_import_updates_by_reference(topics, languages):
    import_into_city(as_csv([good_record("a")]), "offers.csv")
    result = import_into_city(as_csv([good_record("a", title_de="Neuer Titel")]), "offers.csv")
    assert result.ok and result.updated == 1 and result.created == 0
    assert Offer.objects.get().title == "Neuer Titel"


def test_semicolon_csv_from_german_spreadsheets(topics, languages):
    content = as_csv([good_record("a", topics="housing", languages="de")]).decode()
    rows = list(csv.reader(io.StringIO(content)))
    semicolon = "\n".join(";".join(f'"{cell}"' for cell in row) for row in rows)
    result = import_into_city(("\ufeff" + semicolon).encode(), "liste.csv")
    assert result.ok, result.errors


def test_broken_files_give_a_file_level_message(topics):
    assert import_into_city(b"\xff\xfe\x00", "x.csv").errors[0].row is None
    assert import_into_city(b"[{", "x.json").errors[0].row is None
    assert import_into_city(b'{"a": 1}', "x.json").errors[0].row is None
    assert import_into_city(b"title;x\n1;2\n", "x.csv").errors[0].row is None
    assert import_into_city(b"reference\n", "x.csv").errors[0].row is None
    assert Offer.objects.count() == 0


def test_json_rows_are_numbered_by_position(topics, languages):
    records = [good_record("a"), good_record("b", cost_kind="expensive"), 5]
    result = import_into_city(json.dumps(records).encode(), "offers.json")
    assert {(error.row, error.field) for error in result.errors} == {(2, "cost_kind"), (3, "")}
    assert Offer.objects.count() == 0


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_export_round_trip(demo_offers, kind):
    export = exchange.export_csv if kind == "csv" else exchange.export_json
    before = export()
    assert len(Offer.objects.all()) == len(demo_offers) >= 40
    Offer.objects.all().delete()
    result = import_into_city(before.encode(), f"offers.{kind}")
    assert result.ok, result.errors[:3]
    assert result.created == len(demo_offers)
    assert export() == before


def test_commands_import_and_export(topics, languages, tmp_path):
    city()
    path = tmp_path / "offers.csv"
    path.write_bytes(as_csv([good_record("a")]))
    out = io.StringIO()
    call_command("import_offers", str(path), stdout=out)
    assert "1 created" in out.getvalue()
    target = tmp_path / "export.json"
    call_command(
        "export_offers", "--format", "json", "--output", str(target), stderr=io.StringIO()
    )
    assert json.loads(target.read_text())[0]["reference"] == "a"

    path.write_bytes(as_csv([good_record("b"), good_record("c", postal_code="x" * 20)]))
    errors = io.StringIO()
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_offers", str(path), stderr=errors)
    assert "row 3, column postal_code" in errors.getvalue()
    assert list(Offer.objects.values_list("reference", flat=True)) == ["a"]
