"""Behind the reverse proxy of docs/deploy.md – a real nginx started by the test, proxying
to the live server from its own address (127.0.0.2) – two clients (127.0.0.5 and
127.0.0.6) stay two clients: for the rate limits, the login lock-out, the audit log, the
idempotency scope, the metrics allow-list and the request log. A client's own
``X-Forwarded-For`` changes nothing.

Each guarantee has a control beside it: with ``TRUSTED_PROXIES`` empty (what the old
deploy.md amounted to: gunicorn does not put the forwarded address into ``REMOTE_ADDR``)
every client behind the proxy is 127.0.0.2, and one of them locks out everybody.
"""

import itertools
import logging
import re
from urllib.parse import urlparse

import httpx
import pytest
from django.urls import reverse
from django_otp.oath import totp

from tests.conftest import STAFF_PASSWORD
from tests.consultations.factories import caritas_consultation, verified_device
from tests.nginx import running_nginx
from willkommen.accounts.models import Role
from willkommen.booking import captcha
from willkommen.clock import LOCAL_ZONE
from willkommen.consultations.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)

PROXY = "127.0.0.2"
ALICE = "127.0.0.5"
BOB = "127.0.0.6"
CODES = (f"NGX{number:07d}" for number in itertools.count())


@pytest.fixture
def proxy(live_server, tmp_path):
    with running_nginx(urlparse(live_server.url).port, tmp_path / "nginx", bind=PROXY) as url:
        yield url


@pytest.fixture
def client_from(proxy):
    """An HTTP client (with its own cookies) that connects to nginx from ``address``."""
    clients = []

    def make(address):
        client = httpx.Client(
            base_url=proxy, transport=httpx.HTTPTransport(local_address=address), timeout=30
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def trusted(settings):
    settings.TRUSTED_PROXIES = [f"{PROXY}/32"]


@pytest.fixture
def untrusted(settings):
    settings.TRUSTED_PROXIES = []


@pytest.fixture
def few_bad_links(settings):
    settings.BOOKING_RATE_LIMIT_BAD_LINKS = (3, 3600)


def refused_links(client, count, forged=None):
    """Statuses of ``count`` manage links with a wrong token, each for another code (so
    that only the per-address limit can answer 429)."""
    statuses = []
    for forged_header in forged or [None] * count:
        headers = {"X-Manage-Token": "forged"}
        if forged_header is not None:
            headers["X-Forwarded-For"] = forged_header
        statuses.append(client.get(f"/api/v1/bookings/{next(CODES)}", headers=headers).status_code)
    return statuses


def login(client, username, password, forged=None):
    page = client.get(reverse("accounts:login"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    headers = {"X-Forwarded-For": forged} if forged else {}
    return client.post(
        reverse("accounts:login"),
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers=headers,
    )


# Rate limits --------------------------------------------------------------------------------


@pytest.mark.usefixtures("trusted", "few_bad_links")
def test_two_clients_behind_the_proxy_are_limited_separately(client_from):
    alice, bob = client_from(ALICE), client_from(BOB)
    assert refused_links(alice, 4) == [403, 403, 403, 429]
    assert refused_links(bob, 1) == [403]


@pytest.mark.usefixtures("trusted", "few_bad_links")
def test_a_forged_header_neither_escapes_the_limit_nor_frames_another_client(client_from):
    alice, bob = client_from(ALICE), client_from(BOB)
    # Alice claims to be somebody else each time, Bob among them: nginx appends her real
    # address, and only that one counts.
    assert refused_links(alice, 4, forged=["1.2.3.4", BOB, "5.6.7.8, 9.9.9.9", "junk"]) == [
        403,
        403,
        403,
        429,
    ]
    assert refused_links(alice, 1, forged=["198.51.100.77"]) == [429]
    assert refused_links(bob, 1) == [403]


@pytest.mark.usefixtures("untrusted", "few_bad_links")
def test_control_without_trusted_proxies_every_client_is_the_proxy(client_from):
    """The old behaviour: Alice's refused links use up Bob's limit too."""
    alice, bob = client_from(ALICE), client_from(BOB)
    assert refused_links(alice, 3) == [403, 403, 403]
    assert refused_links(bob, 1) == [429]


# Login lock-out (django-axes) -----------------------------------------------------------------


@pytest.fixture
def coordinator(settings, make_staff):
    settings.AXES_FAILURE_LIMIT = 3
    return make_staff(Role.COORDINATOR, username="coordinator")


def _guess_passwords(client, forged=None):
    for attempt in range(3):
        login(client, "coordinator", f"guess-{attempt}", forged=forged)


@pytest.mark.usefixtures("trusted")
def test_axes_locks_out_the_attacker_not_the_coordinator(client_from, coordinator):
    from axes.models import AccessAttempt

    attacker, office = client_from(ALICE), client_from(BOB)
    _guess_passwords(attacker, forged=BOB)  # trying to lock out the coordinator's address
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ALICE}
    assert login(attacker, "coordinator", STAFF_PASSWORD).status_code == 429
    answer = login(office, "coordinator", STAFF_PASSWORD)
    assert answer.status_code == 302 and answer.headers["Location"] == reverse("accounts:home")


@pytest.mark.usefixtures("untrusted")
def test_control_without_trusted_proxies_the_attacker_locks_out_the_coordinator(
    client_from, coordinator
):
    attacker, office = client_from(ALICE), client_from(BOB)
    _guess_passwords(attacker)
    assert login(office, "coordinator", STAFF_PASSWORD).status_code == 429


# The audit log ------------------------------------------------------------------------------


def _read_a_record_through_the_proxy(client, staff):
    """The counsellor signs in, passes the second factor and reads a record; returns the
    audit event of the read."""
    consultation = caritas_consultation(staff)
    counsellor = staff[Role.COUNSELLOR]
    device = verified_device(counsellor)
    assert login(client, counsellor.username, STAFF_PASSWORD).status_code == 302
    record_url = reverse("consultations_staff:record", args=[consultation.pk])
    second_factor = client.get(record_url)
    assert second_factor.status_code == 302
    form = client.get(second_factor.headers["Location"])
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    token = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    verified = client.post(
        second_factor.headers["Location"],
        data={"token": token, "next": record_url, "csrfmiddlewaretoken": csrf},
    )
    assert verified.status_code == 302
    assert client.get(record_url, headers={"X-Forwarded-For": "1.2.3.4"}).status_code == 200
    return AuditEvent.objects.get(action=AuditAction.READ, object_type="consultation")


@pytest.mark.usefixtures("trusted")
def test_the_audit_log_records_the_real_client_address(client_from, staff):
    assert _read_a_record_through_the_proxy(client_from(ALICE), staff).ip_address == ALICE


@pytest.mark.usefixtures("untrusted")
def test_control_without_trusted_proxies_the_audit_log_records_the_proxy(client_from, staff):
    assert _read_a_record_through_the_proxy(client_from(ALICE), staff).ip_address == PROXY


# Idempotency scope of anonymous API callers ---------------------------------------------------


def _anonymous_booking(client, office, hour, email, key):
    body = {
        "service": office.service.pk,
        "start": office.at(hour).astimezone(LOCAL_ZONE).isoformat(),
        "name": "Client",
        "email": email,
        "captcha": captcha.solve(client.get("/api/v1/captcha").json()),
    }
    return client.post("/api/v1/bookings", json=body, headers={"Idempotency-Key": key})


@pytest.fixture
def easy_captcha(settings):
    settings.BOOKING_CAPTCHA_KEY_PREFIX = "0"
    settings.BOOKING_CAPTCHA_COST = 1


@pytest.mark.usefixtures("trusted", "easy_captcha")
def test_anonymous_callers_behind_the_proxy_have_their_own_idempotency_keys(client_from, office):
    alice, bob = client_from(ALICE), client_from(BOB)
    first = _anonymous_booking(alice, office, 9, "alice@example.org", "retry-1")
    second = _anonymous_booking(bob, office, 10, "bob@example.org", "retry-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["code"] != second.json()["code"]


@pytest.mark.usefixtures("untrusted", "easy_captcha")
def test_control_without_trusted_proxies_everyone_shares_one_idempotency_scope(
    client_from, office
):
    alice, bob = client_from(ALICE), client_from(BOB)
    assert _anonymous_booking(alice, office, 9, "alice@example.org", "retry-1").status_code == 201
    second = _anonymous_booking(bob, office, 10, "bob@example.org", "retry-1")
    assert second.status_code == 422 and second.json()["code"] == "idempotency_key_reused"


# Metrics allow-list and request log -----------------------------------------------------------


@pytest.mark.usefixtures("trusted")
def test_the_metrics_allow_list_and_the_request_log_see_the_client(client_from, settings, caplog):
    settings.METRICS_ALLOWED_IPS = [f"{ALICE}/32"]
    alice, bob = client_from(ALICE), client_from(BOB)
    with caplog.at_level(logging.INFO, logger="willkommen.request"):
        assert alice.get("/metrics").status_code == 200
        assert bob.get("/metrics").status_code == 403
        assert bob.get("/metrics", headers={"X-Forwarded-For": ALICE}).status_code == 403
    seen = [
        (record.status, record.client_ip)
        for record in caplog.records
        if record.name == "willkommen.request" and record.path == "/metrics"
    ]
    assert seen == [(200, ALICE), (403, BOB), (403, BOB)]
