"""Public search and offer pages, staff maintenance, the referral sheet, and who may do what."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from willkommen.accounts.models import Role
from willkommen.directory.models import Offer

from .conftest import MACHINE, REVIEWED

pytestmark = pytest.mark.django_db

FALLBACK_NOTE = "Not available in your language — shown in German"


@pytest.fixture
def housing_offer(make_offer):
    return make_offer(
        "Mieterberatung",
        topic_slugs=("housing",),
        codes=("de", "uk"),
        translations={
            "uk": ("Консультації для орендарів", "Допомога з квартирою.", REVIEWED),
            "ar": ("استشارات للمستأجرين", "مساعدة في الشقة.", MACHINE),
        },
    )


def test_public_search_without_login(client, housing_offer):
    response = client.get(reverse("directory:search"), {"q": "Mieterberatun", "lang": "en"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Mieterberatung" in content
    assert FALLBACK_NOTE in content  # no English text: German with the note


def test_public_search_in_ukrainian_shows_the_translation(client, housing_offer):
    response = client.get(reverse("directory:search"), {"q": "квартиру", "lang": "uk"})
    content = response.content.decode()
    assert "Консультації для орендарів" in content
    assert 'lang="uk"' in content
    assert FALLBACK_NOTE not in content


def test_machine_translation_is_marked(client, housing_offer):
    response = client.get(reverse("directory:detail", args=[housing_offer.pk]), {"lang": "ar"})
    content = response.content.decode()
    assert "استشارات للمستأجرين" in content
    with translation.override("ar"):
        assert translation.gettext("Machine-translated") in content
    assert 'dir="rtl"' in content


def test_htmx_gets_only_the_results(client, housing_offer):
    response = client.get(
        reverse("directory:search"), {"q": "Mieter"}, headers={"HX-Request": "true"}
    )
    content = response.content.decode()
    assert content.lstrip().startswith("<section")
    assert "<html" not in content


def test_bad_search_input_is_not_an_error(client, housing_offer):
    response = client.get(
        reverse("directory:search"), {"topic": "nonsense", "language": "xx", "q": "x" * 500}
    )
    assert response.status_code == 200


def test_offer_page_has_a_plain_external_map_link_and_no_embedded_map(client, housing_offer):
    response = client.get(reverse("directory:detail", args=[housing_offer.pk]))
    content = response.content.decode()
    assert (
        'href="https://www.openstreetmap.org/search?query=Am+Markt+1%2C+30159+Hannover"' in content
    )
    assert 'rel="external noopener noreferrer"' in content
    assert "<iframe" not in content and "tile" not in content


def test_inactive_offer_page_is_gone(client, housing_offer):
    housing_offer.is_active = False
    housing_offer.save()
    assert client.get(reverse("directory:detail", args=[housing_offer.pk])).status_code == 404


# --- Staff ----------------------------------------------------------------------------------


def offer_post(**changes):
    data = {
        "reference": "neu",
        "title": "Neues Angebot",
        "description": "Beschreibung",
        "provider": "Träger",
        "topics": ["housing"],
        "languages": ["ar"],
        "cost_kind": "free",
        "review_date": "2030-05-01",
        "is_active": "on",
        "title_ar": "عرض جديد",
        "description_ar": "وصف",
        "status_ar": "reviewed",
    }
    data.update(changes)
    return data


def test_coordinator_creates_an_offer_with_a_translation(client, staff, topics, languages):
    client.force_login(staff[Role.COORDINATOR])
    response = client.post(reverse("directory_staff:create"), offer_post())
    assert response.status_code == 302
    offer = Offer.objects.get(reference="neu")
    assert offer.text_in("ar").title == "عرض جديد"
    assert offer.text_in("uk").fallback
    assert "عرض" in offer.search_text


def test_invalid_offer_form_changes_nothing(client, staff, topics, languages):
    client.force_login(staff[Role.COORDINATOR])
    response = client.post(
        reverse("directory_staff:create"), offer_post(status_ar="missing", review_date="")
    )
    assert response.status_code == 200
    assert "mark it as machine-translated or reviewed" in response.content.decode()
    assert not Offer.objects.exists()


def test_edit_and_deactivate(client, staff, housing_offer):
    lead = staff[Role.ORGANISATION_LEAD]
    Offer.objects.filter(pk=housing_offer.pk).update(owner=lead.organisation)
    client.force_login(lead)
    url = reverse("directory_staff:edit", args=[housing_offer.pk])
    assert "Консультації для орендарів" in client.get(url).content.decode()
    response = client.post(
        url,
        offer_post(
            reference=housing_offer.reference,
            title="Geändert",
            title_ar="",
            description_ar="",
            status_ar="",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    housing_offer.refresh_from_db()
    assert housing_offer.title == "Geändert"
    assert not housing_offer.translations.filter(language="ar").exists()
    client.post(reverse("directory_staff:set_active", args=[housing_offer.pk]), {"active": "0"})
    housing_offer.refresh_from_db()
    assert not housing_offer.is_active


def test_stale_offers_are_flagged_and_filtered(client, staff, make_offer):
    make_offer("Alt", review_date=timezone.localdate() - timedelta(days=1))
    make_offer("Frisch", review_date=timezone.localdate())
    client.force_login(staff[Role.COORDINATOR])
    content = client.get(reverse("directory_staff:list")).content.decode()
    assert content.count("stale – please review") == 1
    stale = client.get(reverse("directory_staff:list"), {"stale": "1"}).content.decode()
    assert "Alt" in stale and "Frisch" not in stale


def test_import_page_rejects_a_bad_row(client, staff, topics, languages):
    client.force_login(staff[Role.COORDINATOR])
    content = (
        "reference,title_de,description_de,provider,review_date,topics\n"
        "a,Gut,Text,Träger,2030-01-01,housing\n"
        "b,Schlecht,Text,Träger,someday,housing\n"
    ).encode()
    response = client.post(
        reverse("directory_staff:import"),
        {"file": SimpleUploadedFile("offers.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported" in page and "review_date" in page
    assert page.count('<td><span class="ltr">') == 1  # one error row: line 3
    assert not Offer.objects.exists()


def test_exports_download(client, staff, housing_offer):
    client.force_login(staff[Role.COORDINATOR])
    csv_response = client.get(reverse("directory_staff:export_csv"))
    assert csv_response["Content-Disposition"] == 'attachment; filename="offers.csv"'
    assert "Mieterberatung" in csv_response.content.decode("utf-8-sig")
    json_response = client.get(reverse("directory_staff:export_json"))
    assert json_response.json()[0]["title_uk"] == "Консультації для орендарів"


# --- Referral sheet -------------------------------------------------------------------------


def sheet_url(*offers, lang="ar"):
    ids = ",".join(str(offer.pk) for offer in offers)
    return reverse("directory_staff:referral_sheet") + f"?offers={ids}&lang={lang}"


def test_counsellor_prints_a_sheet_in_arabic_and_german(client, staff, housing_offer, make_offer):
    other = make_offer("Sprachcafé")
    client.force_login(staff[Role.COUNSELLOR])
    response = client.get(sheet_url(other, housing_offer))
    assert response.status_code == 200
    content = response.content.decode()
    assert "استشارات للمستأجرين" in content  # the Arabic column
    assert "Mieterberatung" in content  # the German column
    assert content.count('class="sheet-column" lang="ar" dir="rtl"') == 1
    assert content.index("Sprachcafé") < content.index("Mieterberatung")  # chosen order


def test_sheet_page_stays_in_the_counsellors_language(client, staff, housing_offer):
    client.force_login(staff[Role.COUNSELLOR])
    client.cookies["willkommen_language"] = "en"
    content = client.get(sheet_url(housing_offer, lang="ar")).content.decode()
    assert '<html lang="en" dir="ltr">' in content
    assert 'class="sheet-column" lang="ar" dir="rtl"' in content


def test_sheet_with_bad_parameters_shows_a_message(client, staff, make_offer):
    client.force_login(staff[Role.COUNSELLOR])
    url = reverse("directory_staff:referral_sheet")
    assert client.get(url + "?offers=1,abc").status_code == 400
    offers = [make_offer(f"O{n}") for n in range(5)]
    too_many = client.get(sheet_url(*offers))
    assert too_many.status_code == 400 and "at most 4" in too_many.content.decode()
    assert client.get(url + "?offers=999999").status_code == 400
    assert client.get(url).status_code == 200  # the compose form


@pytest.mark.parametrize(
    ("role", "manage", "sheet"),
    [
        (Role.COORDINATOR, 200, 403),
        (Role.ORGANISATION_LEAD, 200, 200),
        (Role.COUNSELLOR, 403, 200),
        (Role.OUTREACH, 403, 403),
        (Role.OFFICE_CLERK, 403, 403),
        (Role.OPERATOR, 403, 403),
    ],
)
def test_policy(client, staff, housing_offer, role, manage, sheet):
    client.force_login(staff[role])
    assert client.get(reverse("directory_staff:list")).status_code == manage
    assert client.get(reverse("directory_staff:export_json")).status_code == manage
    assert client.get(sheet_url(housing_offer)).status_code == sheet


def test_staff_pages_need_a_login(client):
    response = client.get(reverse("directory_staff:list"))
    assert response.status_code == 302 and "/staff/login/" in response["Location"]
