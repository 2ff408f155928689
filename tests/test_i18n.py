"""The start page defaults to German; right-to-left for Arabic and Persian."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    """These tests are about language negotiation itself: no language is sent unless a
    test says so."""
    client.defaults.pop("HTTP_ACCEPT_LANGUAGE", None)
    return client


def html_tag(response):
    text = response.content.decode()
    start = text.index("<html")
    return text[start : text.index(">", start) + 1]


def test_start_page_is_german_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="de"' in html_tag(response)
    assert 'dir="ltr"' in html_tag(response)


@pytest.mark.parametrize("code", ["ar", "fa"])
def test_right_to_left_languages(client, code):
    response = client.get(f"/?lang={code}")
    assert f'lang="{code}"' in html_tag(response)
    assert 'dir="rtl"' in html_tag(response)


@pytest.mark.parametrize("code", ["en", "tr", "ru", "uk"])
def test_left_to_right_languages(client, code):
    response = client.get(f"/?lang={code}")
    assert f'lang="{code}"' in html_tag(response)
    assert 'dir="ltr"' in html_tag(response)


def test_unknown_language_falls_back_to_german(client):
    assert 'lang="de"' in html_tag(client.get("/?lang=xx"))
    assert 'lang="de"' in html_tag(client.get("/", HTTP_ACCEPT_LANGUAGE="xx-YY,zz;q=0.8"))
    client.post(reverse("set_language"), {"language": "klingon", "next": "/"})
    assert 'lang="de"' in html_tag(client.get("/"))


def test_language_switcher_remembers_the_choice(client):
    response = client.post(reverse("set_language"), {"language": "uk", "next": "/"})
    assert response.status_code == 302
    assert 'lang="uk"' in html_tag(client.get("/"))


def test_accept_language_is_honoured(client):
    assert 'lang="tr"' in html_tag(client.get("/", HTTP_ACCEPT_LANGUAGE="tr-TR,tr;q=0.9"))


def test_every_ui_language_has_a_catalogue_translating_the_start_page(client):
    def heading(code):
        text = client.get(f"/?lang={code}").content.decode()
        return text[text.index("<h1") : text.index("</h1>")]

    german = heading("de")
    assert "Willkommen" in german
    for code in ["ar", "fa", "tr", "ru", "uk", "en"]:
        assert heading(code) != german, f"the start page heading is not translated to {code}"


def test_no_asset_is_loaded_from_outside_the_installation(client):
    text = client.get("/").content.decode()
    assert "http://" not in text.replace("http://testserver", "")
    assert "https://" not in text


def test_lang_parameter_on_staff_pages_keeps_the_staff_language(client, staff):
    from willkommen.accounts.models import Role

    client.force_login(staff[Role.COUNSELLOR])
    response = client.get("/staff/?lang=ar")
    assert 'lang="de"' in html_tag(response)
    assert "willkommen_language" not in response.cookies
