"""Two worlds that differ only in whether one booking carries a consultation, and a
recording of everything the anonymous public and the office clerk can read in them.

Secrecy (docs/domain.md, rule 1; docs/security.md "Public consultation answers"): the
recordings must be identical, apart from the booking's own row (its random code and id).
Used by ``test_secrecy_differential.py``; the fair-release draw records the same way.
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import time, timedelta

import holidays
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.booking.conftest import make_world
from willkommen.accounts.models import Role
from willkommen.clock import LOCAL_ZONE, local_datetime
from willkommen.scheduling import config_cache

METRICS_TOKEN = "secrecy-test-metrics-token-0123456789"
LANGUAGES = ["de", "ar", "fa", "uk", "en"]


@dataclass
class SecrecyWorld:
    world: object
    clerk: object
    day: object

    def at(self, hour, minute=0):
        return local_datetime(self.day, time(hour, minute))


def build(organisations, make_staff):
    """The booking tests' office (two desks; Amal speaks Arabic 8–16, Dariush alone
    Persian 8–12, Olena Ukrainian 12–16, all German) on the next weekday far enough
    ahead to be bookable, whatever the clock says."""
    world = make_world(organisations, make_staff)
    world.schedule.minimum_notice_minutes = 0
    world.schedule.save()
    day = timezone.now().astimezone(LOCAL_ZONE).date() + timedelta(days=2)
    closed = holidays.country_holidays("DE", subdiv="NI", years=[day.year, day.year + 1])
    while day.weekday() >= 5 or day in closed:
        day += timedelta(days=1)
    clerk = make_staff(Role.OFFICE_CLERK, organisations["office"], username="secrecy-clerk")
    return SecrecyWorld(world=world, clerk=clerk, day=day)


def _normalise(text: str, own_rows) -> str:
    """The booking's own row may differ (a random code, an id that a sequence handed out);
    CSRF tokens differ per response."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", text)
    for code, pk in own_rows:
        text = text.replace(code, "OWN-CODE")
        text = re.sub(rf"/appointments/{pk}/", "/appointments/OWN-ID/", text)
    return text


def _metrics_business_lines(text: str) -> str:
    """The business figures of /metrics (request counts and latency depend on how many
    requests this test made and how fast the machine was, in either world alike)."""
    return "\n".join(line for line in text.splitlines() if not line.startswith("willkommen_http_"))


def record(secrecy_world, own_rows=()) -> dict[str, str]:
    """Everything the anonymous public and the office clerk can request about the day
    (and the days around it), by name."""
    world, day = secrecy_world.world, secrecy_world.day
    public, clerk = Client(), Client()
    clerk.force_login(secrecy_world.clerk)
    pages = {}

    def get(who, name, url, **query):
        response = who.get(url, query)
        pages[name] = f"{response.status_code}\n{response.content.decode(errors='replace')}"

    get(public, "api services", "/api/v1/services")
    span = {"date_from": (day - timedelta(days=1)).isoformat(), "date_to": day.isoformat()}
    for service in (world.service, world.long_service):
        for language in [None, *LANGUAGES]:
            for interpreter in ("false", "true"):
                query = {"service": service.pk, **span, "interpreter": interpreter}
                if language:
                    query["language"] = language
                get(public, f"api {service.slug} {language} {interpreter}", "/api/v1/availability",
                    **query)  # fmt: skip
            query = {"service": service.pk, **span, "topics": "work,family"}
            if language:
                query["language"] = language
            get(public, f"api {service.slug} {language} topics", "/api/v1/availability", **query)
        page = reverse("booking:service", kwargs={"service_id": service.pk})
        get(public, f"page {service.slug}", page, lang="en")
        get(public, f"page {service.slug} day", page, lang="en", day=day.isoformat())
        for language in LANGUAGES:
            for extra in ({}, {"interpreter": "on"}):
                query = {"day": day.isoformat(), "consultation": "on", "language": language}
                get(public, f"page {service.slug} {language} {extra}", page, lang="en",
                    **query, **extra)  # fmt: skip
    get(public, "booking start", reverse("booking:start"), lang="en")
    calendar = {"date": day.isoformat(), "location": world.location.pk}
    get(clerk, "clerk calendar", reverse("booking_staff:calendar"), **calendar)
    get(clerk, "clerk csv", reverse("booking_staff:export"), **calendar)
    get(public, "display", reverse("walkins:display", kwargs={"location_id": world.location.pk}))
    metrics = public.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {METRICS_TOKEN}")
    pages["metrics"] = _metrics_business_lines(metrics.content.decode())
    return {name: _normalise(text, own_rows) for name, text in pages.items()}


@contextmanager
def world_state():
    """Runs one world inside a savepoint that is rolled back afterwards, with empty caches
    on the way in (rate-limit counters and the configuration memo start alike)."""
    cache.clear()
    config_cache.clear_local()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
    cache.clear()
    config_cache.clear_local()


def differences(first: dict, second: dict) -> list[str]:
    """The names of the recordings that differ, each with the first differing line."""
    found = []
    for name in sorted(set(first) | set(second)):
        a, b = first.get(name, ""), second.get(name, "")
        if a != b:
            for line_a, line_b in zip(a.splitlines(), b.splitlines(), strict=False):
                if line_a != line_b:
                    found.append(f"{name}: {line_a.strip()[:160]!r} != {line_b.strip()[:160]!r}")
                    break
            else:
                found.append(f"{name}: lengths differ")
    return found
