"""The public JSON API: the same search as the page, texts with German fallback."""

import pytest

pytestmark = pytest.mark.django_db


def test_search_api_in_ukrainian(client, demo_offers):
    response = client.get("/api/v1/offers", {"q": "квартіри", "lang": "uk"})
    assert response.status_code == 200
    body = response.json()
    assert body and body[0]["text_language"] == "uk" and not body[0]["fallback"]
    assert "housing" in body[0]["topics"]


def test_search_api_filters_and_fallback(client, demo_offers):
    body = client.get("/api/v1/offers", {"topic": "health", "lang": "uk"}).json()
    assert body and all("health" in item["topics"] for item in body)
    assert all(item["fallback"] and item["text_language"] == "de" for item in body)


def test_offer_detail_and_not_found(client, demo_offers):
    offer = demo_offers["mieterverein-hannover"]
    body = client.get(f"/api/v1/offers/{offer.pk}", {"lang": "ar"}).json()
    assert body["reference"] == "mieterverein-hannover"
    assert body["translation_status"] == "machine" and body["text_language"] == "ar"
    assert body["map_url"].startswith("https://www.openstreetmap.org/search?query=")
    assert client.get("/api/v1/offers/999999").status_code == 404


def test_bad_api_input_is_a_4xx(client, demo_offers):
    assert client.get("/api/v1/offers", {"q": "x" * 500}).status_code == 422
    assert client.get("/api/v1/offers/abc").status_code in {404, 422}
