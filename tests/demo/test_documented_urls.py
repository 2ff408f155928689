"""Every URL that README.md and docs/*.md name opens in the demo, for the role that the
text means: a reader who types it in finds a page, not a 404.

The URLs are extracted from the text (paths under the site's own first segments; file
paths such as /etc/... are not the site's). Placeholders (``<location_id>``, ``{id}``,
``…``) are filled from the seeded demo, whose ids are those of a fresh ``make demo`` (the
sequences are reset). Each URL is requested anonymously and then with each demo account
until one gets the page.
"""

import io
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from tests.consultations.factories import login_verified
from willkommen.accounts.models import StaffMember
from willkommen.booking.demo import DEMO_NAMES
from willkommen.booking.models import Appointment
from willkommen.booking.tokens import make_confirm_token, make_manage_token
from willkommen.consultations.models import Consultation
from willkommen.directory.models import Offer
from willkommen.organisations.models import Location
from willkommen.release.models import ReleaseRound
from willkommen.settings import demo as demo_settings
from willkommen.urls import STAFF_APPS
from willkommen.walkins.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# Named as the prefix of other URLs ("everything is under /api/v1/"), not as pages.
PREFIXES = {"/api/", "/api/v1/"}
# Routes that answer only when an installation configures them; they must still resolve.
ONLY_WHEN_CONFIGURED = {
    "/staff/login/oidc/callback/": "sign-in through OpenID Connect (OIDC_ISSUER)",
}
# Anonymous first, then the demo accounts (counsellor and lead with their second factor).
ROLES = [None, "counsellor", "lead", "outreach", "coordinator", "clerk", "operator"]
METHOD = r"(?:(?P<{}>GET|POST|PUT|PATCH|DELETE) +)?"
# The clean address of a private link opens only after the link itself was opened in the
# same browser (the token moves into the session, docs/booking.md).
AFTER_THE_LINK = re.compile(r"^/book/manage/\w+/$")


def site_segments():
    """The first path segments the site answers under (``staff``, ``book``, ``api``, …)."""

    def walk(patterns, prefix=""):
        for entry in patterns:
            route = prefix + str(entry.pattern).lstrip("^")
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                yield route

    return {route.split("/")[0] for route in walk(get_resolver().url_patterns)} - {""}


def documented_urls():
    """{(method, url): [where]} for every site URL in the documents."""
    segments = "|".join(re.escape(segment) for segment in sorted(site_segments()))
    path = rf"(?<![\w./~-])/(?:{segments})(?![\w-])[^\s`'\")|\]*]*"
    in_text = METHOD.format("method") + rf"(?P<url>{path})"
    root = "`" + METHOD.format("root_method") + "(?P<root>/)`"
    pattern = re.compile(f"{in_text}|{root}")
    found = {}
    for document in DOCUMENTS:
        for number, line in enumerate(document.read_text().splitlines(), 1):
            for match in pattern.finditer(line):
                url = (match["url"] or match["root"]).rstrip(".,:;")
                method = match["method"] or match["root_method"] or "GET"
                found.setdefault((method, url), []).append(f"{document.name}:{number}")
    return found


DOCUMENTED = documented_urls()


def fillers():
    """Placeholder → value, from the demo: keyed by the text before the placeholder."""
    location = Location.objects.get()
    appointment = Appointment.objects.filter(name__in=DEMO_NAMES).order_by("start").last()
    counsellor = StaffMember.objects.get(username="counsellor")
    drawn_round = ReleaseRound.objects.filter(drawn_at__isnull=False).get()
    return {
        ("/ticket/display/", "<location_id>"): str(location.pk),
        ("/ticket/", "<token>"): Ticket.objects.filter(status="waiting").first().public_token,
        ("?lang=", "<code>"): "ar",
        ("/book/manage/", "<code>"): appointment.code,
        ("/book/confirm/", "<code>"): appointment.code,
        (f"/book/confirm/{appointment.code}/?token=", "…"): make_confirm_token(appointment),
        ("?token=", "…"): make_manage_token(appointment),
        ("/api/v1/consultations/", "{id}"): str(
            Consultation.objects.filter(organisation=counsellor.organisation).first().pk
        ),
        ("/api/v1/offers/", "{id}"): str(Offer.objects.first().pk),
        ("/staff/directory/", "<id>"): str(Offer.objects.first().pk),
        ("/api/v1/walk-ins/", "{id}"): str(Ticket.objects.filter(status="waiting").first().pk),
        ("/api/v1/availability?", "…&"): "",
        ("/api/v1/office-appointments/", "{reference}"): "DEMO-REFERENCE-1",
        ("/api/v1/office-calendar/appointments/", "{id}"): str(appointment.pk),
        # The drawn round: the order and its file exist only after a draw.
        ("/release/", "<round>"): str(drawn_round.pk),
        ("/api/v1/release/rounds/", "<round>"): str(drawn_round.pk),
    }


def fill(url, values):
    """Every filled variant of ``url`` (``<app>`` stands for each staff app)."""
    if "/staff/<app>/" in url:
        return [u for app in STAFF_APPS for u in fill(url.replace("<app>", app), values)]
    for placeholder in re.findall(r"<\w+>|\{\w+\}|…&?", url):
        before = url[: url.index(placeholder)]
        keys = [key for key in values if key[1] == placeholder and before.endswith(key[0])]
        assert keys, f"no demo value for {placeholder} in {url}: add it to fillers()"
        url = url.replace(placeholder, values[keys[0]], 1)
    return [url]


def clients():
    for username in ROLES:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        if username is not None:
            login_verified(client, StaffMember.objects.get(username=username))
        yield username, client


def opens(method, url, response):
    if response.status_code == 200:
        return True
    if response.status_code in (301, 302):
        return "/staff/login/" not in response["Location"]
    # Documented for another method: GET shows the route exists.
    if method != "GET" and response.status_code == 405:
        return True
    # An API operation whose example leaves out its required parameters, or one only for
    # partner systems with an operator-issued key (the demo issues none).
    if not url.startswith("/api/") or "json" not in response.get("Content-Type", ""):
        return False
    return response.json().get("code") in {
        "invalid_input",
        "api_key_required",
    }


@pytest.fixture
def demo():
    """The demo on a Wednesday morning: the manage link of a demo client is valid until an
    hour after the appointment, so the link named in the docs opens whatever the clock."""
    morning = datetime(2027, 5, 12, 7, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    with time_machine.travel(morning, tick=True):
        call_command("seed_demo", "--quiet", "--no-activity", stdout=io.StringIO())
        yield


def test_the_documents_name_urls():
    urls = {url for _method, url in DOCUMENTED}
    assert {"/staff/scheduling/", "/admin/", "/metrics", "/book/", "/"} <= urls
    assert not any(url.startswith(("/etc/", "/srv/", "/usr/")) for url in urls)
    for prefix in PREFIXES:
        assert any(url != prefix and url.startswith(prefix) for url in urls), prefix


def broken_urls(documented):
    """The documented URLs that no demo role can open, with where they are named and what
    each role got."""
    tokens = {
        "/metrics": demo_settings.METRICS_TOKEN,
        "/metrics/welcome-service": demo_settings.METRICS_WELCOME_SERVICE_TOKEN,
    }
    values = fillers()
    sessions = list(clients())
    broken = []
    for (method, documented_url), where in sorted(documented.items()):
        if documented_url in PREFIXES:
            continue
        if documented_url in ONLY_WHEN_CONFIGURED:
            resolve(documented_url)
            continue
        for url in fill(documented_url, values):
            headers = {"Authorization": f"Bearer {tokens[url]}"} if url in tokens else {}
            answers = []
            for username, client in sessions:
                if AFTER_THE_LINK.match(url):
                    client.get(url, {"token": values[("?token=", "…")]})
                response = client.get(url, headers=headers)
                answers.append((username, response.status_code))
                if opens(method, url, response):
                    break
            else:
                broken.append(f"{method} {url} ({', '.join(where)}): {answers}")
    return broken


@pytest.fixture
def demo_metrics(settings):
    """The demo's metrics tokens (willkommen/settings/demo.py)."""
    settings.METRICS_TOKEN = demo_settings.METRICS_TOKEN
    settings.METRICS_WELCOME_SERVICE_TOKEN = demo_settings.METRICS_WELCOME_SERVICE_TOKEN


def test_every_documented_url_opens_in_the_demo(demo, demo_metrics):
    broken = broken_urls(DOCUMENTED)
    assert not broken, "\n".join(broken)


def test_control_a_url_nobody_can_open_is_reported(demo, demo_metrics):
    documented = {
        ("GET", "/staff/nowhere/"): ["control"],
        ("GET", "/staff/consultations/audit/"): ["control"],
    }
    broken = broken_urls(documented)
    assert len(broken) == 1 and broken[0].startswith("GET /staff/nowhere/ (control)")
