"""The pages a German public website must have, filled from the operator's settings."""

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

LEGAL_PAGES = ["imprint", "privacy", "accessibility", "easy_german", "sign_language"]


@pytest.mark.parametrize("name", LEGAL_PAGES)
@pytest.mark.parametrize("language", ["de", "ar"])
def test_legal_page_renders(client, name, language):
    response = client.get(reverse(f"pages:{name}") + f"?lang={language}")
    assert response.status_code == 200


def test_footer_links_every_legal_page(client):
    text = client.get("/").content.decode()
    for name in LEGAL_PAGES:
        assert f'href="{reverse(f"pages:{name}")}"' in text


def test_start_page_offers_easy_german_and_sign_language(client):
    text = client.get("/").content.decode()
    start = text.index('class="accessibility-links"')
    section = text[start : text.index("</ul>", start)]
    assert reverse("pages:easy_german") in section
    assert reverse("pages:sign_language") in section


def test_pages_are_filled_from_the_operator_settings(client, settings):
    operator = {
        **settings.WILLKOMMEN_OPERATOR,
        "name": "Stadt Beispielhausen",
        "accessibility_contact": "a11y@beispielhausen.example",
        "arbitration_body": "Schlichtungsstelle Beispielland",
        "data_protection_authority": "Datenschutz Beispielland",
    }
    with override_settings(WILLKOMMEN_OPERATOR=operator):
        imprint = client.get(reverse("pages:imprint")).content.decode()
        statement = client.get(reverse("pages:accessibility")).content.decode()
        privacy = client.get(reverse("pages:privacy")).content.decode()
        easy = client.get(reverse("pages:easy_german")).content.decode()
    assert "Stadt Beispielhausen" in imprint
    assert "a11y@beispielhausen.example" in statement
    assert "Schlichtungsstelle Beispielland" in statement
    assert "Schlichtungsstelle Beispielland" in easy
    assert "Datenschutz Beispielland" in privacy


def test_easy_german_stays_german_in_every_language(client):
    text = client.get(reverse("pages:easy_german") + "?lang=ar").content.decode()
    assert 'class="stack prose easy-language" lang="de" dir="ltr"' in text


def test_sign_language_video_is_shown_when_configured(client, settings):
    operator = {**settings.WILLKOMMEN_OPERATOR, "sign_language_video": "video/dgs.mp4"}
    with override_settings(WILLKOMMEN_OPERATOR=operator):
        text = client.get(reverse("pages:sign_language")).content.decode()
    assert "<video" in text and "video/dgs.mp4" in text
