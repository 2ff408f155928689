"""The published draw order at any size: a round's page and the API give it page by page
(a range of positions, however many requests took part), a client finds their own number,
and the whole order comes as one file, built once. The figures come without reading the
draw's private record."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from willkommen.release import public
from willkommen.release.allocation import Pool
from willkommen.release.models import DrawRecord, ReleaseRequest, RequestStatus
from willkommen.release.pool import build_pool

from .conftest import drawn_round, make_round

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def drawn(office):
    return drawn_round(office, 12, now=timezone.now())


@pytest.fixture
def pages_of_five(monkeypatch):
    monkeypatch.setattr(public, "ORDER_PAGE_SIZE", 5)


def in_order(release_round):
    return list(
        ReleaseRequest.objects.filter(round=release_round)
        .exclude(draw_position=None)
        .order_by("draw_position")
        .values_list("draw_position", "number", "weight")
    )


def test_order_pages_are_ranges_of_positions(drawn, pages_of_five):
    everything = in_order(drawn)
    assert [row[0] for row in everything] == list(range(1, 13))
    pages = [public.order_page(drawn, number) for number in (1, 2, 3)]
    assert [page.rows for page in pages] == [everything[:5], everything[5:10], everything[10:]]
    assert {(page.pages, page.total) for page in pages} == {(3, 12)}
    # Out of range is clamped to the pages there are.
    assert public.order_page(drawn, 99).rows == everything[10:]
    assert public.order_page(drawn, 0).rows == everything[:5]


def test_no_order_before_the_draw(office):
    release_round = make_round(office, now=timezone.now())
    page = public.order_page(release_round, 1)
    assert (page.total, page.rows) == (0, [])


def test_the_slot_count_is_stored_by_the_draw_and_read_without_the_record(drawn):
    pool = Pool.from_json(DrawRecord.objects.get(round=drawn).data["pool"])
    assert drawn.drawn_slots == public.slot_count(pool) > 0
    DrawRecord.objects.filter(round=drawn).delete()
    assert public.figures(drawn, timezone.now()).slots == drawn.drawn_slots


def test_the_migration_counts_slots_as_the_page_does(drawn):
    """0002 moved draw input out of the round and counted its slots with a frozen copy of
    the booking grid's rule; both must agree."""
    migration = importlib.import_module("willkommen.release.migrations.0002_draw_record")
    pool = build_pool(drawn, timezone.now() - timezone.timedelta(days=30))
    assert migration.slots_in(pool.to_json()) == public.slot_count(pool) > 0
    data = DrawRecord.objects.get(round=drawn).data["pool"]
    assert migration.slots_in(data) == drawn.drawn_slots


def test_the_migration_moves_the_draw_input_both_ways(drawn):
    """0002 forwards moves ``draw_input`` into ``DrawRecord`` and counts the slots; backwards
    puts it back. A round trip leaves the record and the count as they were."""
    record = DrawRecord.objects.get(round=drawn).data
    executor = MigrationExecutor(connection)
    executor.migrate([("release", "0001_initial")])
    old = executor.loader.project_state(("release", "0001_initial")).apps
    assert old.get_model("release", "ReleaseRound").objects.get().draw_input == record
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    drawn.refresh_from_db()
    assert DrawRecord.objects.get(round=drawn).data == record
    assert drawn.drawn_slots == public.slot_count(Pool.from_json(record["pool"]))


def test_the_round_page_shows_one_page_and_finds_a_number(client, drawn, pages_of_five):
    everything = in_order(drawn)
    url = reverse("release:round", kwargs={"round_id": drawn.pk})
    second = client.get(url, {"page": "2"}).content.decode()
    shown = [number for _place, number, _weight in everything if number in second]
    assert shown == [number for _place, number, _weight in everything[5:10]]
    assert 'rel="prev"' in second and 'rel="next"' in second
    for bad in ("abc", "-1", "99999999999", ""):
        response = client.get(url, {"page": bad})
        assert response.status_code == 200
        assert everything[0][1] in response.content.decode()
    _place, sought, _weight = everything[11]
    found = client.get(url, {"number": sought.lower() + " "}).content.decode()
    assert 'id="sought" aria-current="true"' in found
    assert everything[10][1] in found and everything[0][1] not in found


def test_a_number_not_in_the_order_is_told_in_the_clients_language(client, drawn):
    url = reverse("release:round", kwargs={"round_id": drawn.pk})
    unconfirmed = ReleaseRequest.objects.create(
        round=drawn, service=drawn.services.first(), name="X", contact_key="x",
        status=RequestStatus.LAPSED,
    )  # fmt: skip
    for number in ("NOPE", unconfirmed.number, "<b>" * 20):
        response = client.get(url, {"number": number}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert "This request number is not in this draw" in response.content.decode()
    german = client.get(url, {"number": "NOPE"}, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Diese Anfragenummer ist nicht in der Reihenfolge" in german


def test_the_order_file_is_the_whole_order_and_built_once(client, drawn):
    url = reverse("release:order_file", kwargs={"round_id": drawn.pk})
    response = client.get(url)
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "place,request_number,weight"
    assert [tuple(line.split(",")) for line in lines[1:]] == [
        (str(place), number, str(weight)) for place, number, weight in in_order(drawn)
    ]
    with CaptureQueriesContext(connection) as again:
        assert client.get(url).content == response.content
    assert not any("release_releaserequest" in query["sql"] for query in again.captured_queries)


def test_no_order_file_before_the_draw(client, office):
    release_round = make_round(office, now=timezone.now())
    url = reverse("release:order_file", kwargs={"round_id": release_round.pk})
    assert client.get(url).status_code == 404


def test_the_api_gives_the_order_page_by_page(client, drawn, pages_of_five):
    everything = in_order(drawn)
    base = f"/api/v1/release/rounds/{drawn.pk}"
    assert client.get(base).json()["draw_order_length"] == 12
    assert "draw_order" not in client.get(base).json()
    pages = [client.get(f"{base}/order", {"page": page}).json() for page in (1, 2, 3)]
    entries = [
        (entry["place"], entry["number"], entry["weight"])
        for page in pages
        for entry in page["entries"]
    ]
    assert entries == everything
    assert {(page["pages"], page["page_size"], page["total"]) for page in pages} == {(3, 5, 12)}
    beyond = client.get(f"{base}/order", {"page": 4})
    assert (beyond.status_code, beyond.json()["code"]) == (404, "order_not_published")
    for bad in ("0", "abc", "-3"):
        assert client.get(f"{base}/order", {"page": bad}).status_code == 422


def test_the_api_has_no_order_before_the_draw(client, office):
    release_round = make_round(office, now=timezone.now())
    response = client.get(f"/api/v1/release/rounds/{release_round.pk}/order")
    assert (response.status_code, response.json()["code"]) == (404, "order_not_published")
    assert client.get("/api/v1/release/rounds/999999/order").status_code == 404


def test_a_page_number_that_is_a_digit_but_no_number_shows_the_first_page(client, drawn):
    """``"²".isdigit()`` holds but ``int("²")`` fails: such input gives page 1, not a 500."""
    url = reverse("release:round", kwargs={"round_id": drawn.pk})
    for value in ("²", "1" * 5000, "0", "1_0"):
        response = client.get(url, {"page": value})
        assert response.status_code == 200, value
