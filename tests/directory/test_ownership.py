"""Offers belong to an organisation: only its lead (and the coordinators) change them, an
import touches only the importer's own offers, and every change is in a trail the owner's
lead and the coordinators can read."""

import csv
import importlib
import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from willkommen.accounts import policy
from willkommen.accounts.models import Role
from willkommen.directory import exchange, services
from willkommen.directory.models import Offer, OfferChange

pytestmark = pytest.mark.django_db
OWNERS = importlib.import_module("willkommen.directory.migrations.0004_offers_owned_by_the_city")


@pytest.fixture
def caritas_offer(make_offer, organisations):
    offer = make_offer("Caritas Sozialberatung")
    Offer.objects.filter(pk=offer.pk).update(owner=organisations["caritas"])
    offer.refresh_from_db()
    return offer


@pytest.fixture
def awo_lead(make_staff, organisations):
    return make_staff(Role.ORGANISATION_LEAD, organisations["awo"], username="awo-lead")


def offer_post(offer, **changes):
    data = {
        "reference": offer.reference,
        "title": offer.title,
        "description": offer.description,
        "topics": ["forms"],
        "provider": offer.provider,
        "review_date": offer.review_date.isoformat(),
        "cost_kind": "free",
        "is_active": "on",
        "languages": ["de"],
    }
    data.update(changes)
    return data


def test_another_organisations_lead_can_neither_deactivate_nor_overwrite(
    client, caritas_offer, awo_lead
):
    client.force_login(awo_lead)
    active = client.post(
        reverse("directory_staff:set_active", args=[caritas_offer.pk]), {"active": "0"}
    )
    edit_url = reverse("directory_staff:edit", args=[caritas_offer.pk])
    assert active.status_code == 403
    assert client.get(edit_url).status_code == 403
    assert client.post(edit_url, offer_post(caritas_offer, title="Gekapert")).status_code == 403
    caritas_offer.refresh_from_db()
    assert caritas_offer.is_active and caritas_offer.title == "Caritas Sozialberatung"
    assert not OfferChange.objects.exists()
    page = client.get(reverse("directory_staff:list")).content.decode()
    assert "another organisation" in page and edit_url not in page


def test_control_without_the_owner_check_any_lead_deactivates_any_offer(
    client, caritas_offer, awo_lead, monkeypatch
):
    monkeypatch.setattr(policy, "can_change_offer", lambda user, offer: True)
    client.force_login(awo_lead)
    client.post(reverse("directory_staff:set_active", args=[caritas_offer.pk]), {"active": "0"})
    caritas_offer.refresh_from_db()
    assert not caritas_offer.is_active


def test_the_service_refuses_too_whoever_calls_it(caritas_offer, awo_lead):
    with pytest.raises(PermissionDenied):
        services.set_active(caritas_offer, False, awo_lead)
    caritas_offer.refresh_from_db()
    assert caritas_offer.is_active


def test_the_owners_lead_and_the_coordinator_change_it_and_the_trail_says_what(
    client, caritas_offer, staff
):
    lead = staff[Role.ORGANISATION_LEAD]
    client.force_login(lead)
    edit_url = reverse("directory_staff:edit", args=[caritas_offer.pk])
    response = client.post(edit_url, offer_post(caritas_offer, title="Neuer Titel"))
    assert response.status_code == 302
    client.force_login(staff[Role.COORDINATOR])
    client.post(reverse("directory_staff:set_active", args=[caritas_offer.pk]), {"active": "0"})
    caritas_offer.refresh_from_db()
    assert caritas_offer.title == "Neuer Titel" and not caritas_offer.is_active
    changes = list(caritas_offer.changes.order_by("at", "pk"))
    assert [(c.actor, c.action, c.source) for c in changes] == [
        (lead, "update", "form"),
        (staff[Role.COORDINATOR], "deactivate", "form"),
    ]
    assert changes[0].changes["title"] == ["Caritas Sozialberatung", "Neuer Titel"]
    assert changes[0].organisation_id == caritas_offer.owner_id
    assert changes[1].changes == {"is_active": [True, False]}
    assert changes[0].at <= changes[1].at <= timezone.now()


def test_a_new_offer_belongs_to_its_creators_organisation(client, staff, topics, languages):
    lead = staff[Role.ORGANISATION_LEAD]
    client.force_login(lead)
    data = {
        "reference": "neu",
        "title": "Neues Angebot",
        "description": "Beschreibung",
        "provider": "Caritas",
        "review_date": (timezone.localdate() + timedelta(days=90)).isoformat(),
        "cost_kind": "free",
    }
    assert client.post(reverse("directory_staff:create"), data).status_code == 302
    offer = Offer.objects.get(reference="neu")
    assert offer.owner == lead.organisation
    assert offer.changes.get().action == "create"


def test_the_trail_is_read_by_the_owners_lead_and_coordinators_only(
    client, caritas_offer, staff, awo_lead
):
    services.set_active(caritas_offer, False, staff[Role.COORDINATOR])
    url = reverse("directory_staff:history", args=[caritas_offer.pk])
    for user, status in (
        (staff[Role.ORGANISATION_LEAD], 200),
        (staff[Role.COORDINATOR], 200),
        (awo_lead, 403),
        (staff[Role.COUNSELLOR], 403),
    ):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, user
    client.force_login(staff[Role.ORGANISATION_LEAD])
    page = client.get(url).content.decode()
    assert staff[Role.COORDINATOR].username in page and "deactivated" in page


def test_the_trail_cannot_be_changed_through_the_orm(caritas_offer, staff):
    services.set_active(caritas_offer, False, staff[Role.COORDINATOR])
    change = OfferChange.objects.get()
    change.changes = {}
    with pytest.raises(PermissionDenied):
        change.save()
    with pytest.raises(PermissionDenied):
        change.delete()
    with pytest.raises(PermissionDenied):
        OfferChange.objects.update(changes={})
    with pytest.raises(PermissionDenied):
        OfferChange.objects.all().delete()


def as_csv(records):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(records[0]))
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue().encode()


def record(reference, title):
    return {
        "reference": reference,
        "title_de": title,
        "description_de": "Beschreibung",
        "provider": "Träger",
        "review_date": "2030-01-31",
        "topics": "forms",
    }


def test_an_import_touches_only_the_importers_own_offers(client, caritas_offer, awo_lead):
    awo_offer = Offer.objects.create(
        reference="awo-eigenes",
        title="AWO alt",
        description="x",
        provider="AWO",
        review_date=timezone.localdate(),
        owner=awo_lead.organisation,
    )
    content = as_csv(
        [
            record(caritas_offer.reference, "Überschrieben"),
            record("awo-eigenes", "AWO neu"),
            record("awo-neu", "AWO ganz neu"),
        ]
    )
    client.force_login(awo_lead)
    response = client.post(
        reverse("directory_staff:import"),
        {"file": SimpleUploadedFile("offers.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Not changed: offers of other organisations" in page
    assert caritas_offer.reference in page and "Caritas" in page
    caritas_offer.refresh_from_db()
    awo_offer.refresh_from_db()
    assert caritas_offer.title == "Caritas Sozialberatung" and not caritas_offer.changes.exists()
    assert awo_offer.title == "AWO neu"
    assert Offer.objects.get(reference="awo-neu").owner == awo_lead.organisation
    sources = set(OfferChange.objects.values_list("source", "actor", "offer__reference"))
    assert sources == {
        ("import", awo_lead.pk, "awo-eigenes"),
        ("import", awo_lead.pk, "awo-neu"),
    }


def test_the_import_command_works_for_one_organisation(caritas_offer, organisations, tmp_path):
    path = tmp_path / "offers.csv"
    path.write_bytes(as_csv([record(caritas_offer.reference, "Neu"), record("stadt-1", "S")]))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_offers", str(path), "--organisation", "Caritas", stdout=out, stderr=err)
    assert "1 created, 1 updated, 0 of other organisations" in out.getvalue()
    caritas_offer.refresh_from_db()
    assert caritas_offer.title == "Neu"
    assert Offer.objects.get(reference="stadt-1").owner == organisations["caritas"]
    call_command("import_offers", str(path), "--organisation", "AWO", stdout=out, stderr=err)
    assert f"{caritas_offer.reference} belongs to Caritas, not changed" in err.getvalue()
    assert caritas_offer.changes.filter(source="command").count() == 1


def test_the_exchange_without_an_organisation_changes_no_existing_offer(caritas_offer):
    result = exchange.import_offers(
        as_csv([record(caritas_offer.reference, "x")]), "o.csv", organisation=None
    )
    assert result.ok and result.updated == 0 and len(result.skipped) == 1


def test_the_migration_gives_existing_offers_to_the_coordinators_organisation(
    staff, make_offer, organisations
):
    offers = [make_offer("Eins"), make_offer("Zwei")]
    historical = (
        MigrationExecutor(connection)
        .loader.project_state(("directory", "0004_offers_owned_by_the_city"))
        .apps
    )
    OWNERS.assign(historical, None)
    for offer in offers:
        offer.refresh_from_db()
        assert offer.owner == staff[Role.COORDINATOR].organisation == organisations["city"]
