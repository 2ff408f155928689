"""Shared fixtures: organisations, one staff member per role, and a logged-in client."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from willkommen.accounts.models import Role, StaffMember
from willkommen.organisations.models import Location, Organisation, OrganisationKind

STAFF_PASSWORD = "correct-horse-battery-staple"


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        metavar="YYYY-MM-DDTHH:MM",
        help="run the suite as if it were this moment in Europe/Berlin (the clock keeps "
        "ticking): finds tests that pass only at some times of day or year",
    )


def missing_catalogues(locale_dir=settings.BASE_DIR / "locale"):
    """The message catalogues whose compiled ``.mo`` is missing or older than the ``.po``."""
    stale = []
    for po in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(str(po.relative_to(locale_dir.parent)))
    return stale


def pytest_configure(config):
    # Without compiled catalogues every page is English and the language tests fail in
    # confusing ways; say what to do instead.
    stale = missing_catalogues()
    if stale:
        pytest.exit(
            f"compiled message catalogues missing or out of date ({', '.join(stale)}): "
            "run `make install` (it compiles them), then run the tests again",
            returncode=4,
        )
    moment = config.getoption("--clock")
    if moment:
        from datetime import datetime
        from zoneinfo import ZoneInfo

        import time_machine

        start = datetime.fromisoformat(moment).replace(tzinfo=ZoneInfo("Europe/Berlin"))
        config._willkommen_clock = time_machine.travel(start, tick=True)
        config._willkommen_clock.start()


def pytest_unconfigure(config):
    clock = getattr(config, "_willkommen_clock", None)
    if clock is not None:
        clock.stop()


def make_location(office, name="Service Center", **fields):
    """A location of ``office`` in Hannover, Lower Saxony (whose public holidays close it);
    ``fields`` override the address."""
    address = {
        "street": "Am Markt 1",
        "postal_code": "30159",
        "city": "Hannover",
        "federal_state": "NI",
    }
    return Location.objects.create(name=name, office=office, **(address | fields))


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language: a request of an earlier test may
    have left another language active in this thread, and modeltranslation would then store
    names created by this test under that language instead of German."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with an empty cache: the scheduling memo's generation lives there,
    and the cache outlives a test. (Rate-limit counters and the metrics' totals live in a
    table, rolled back or emptied with every test.)"""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_scheduling_config():
    """Each test starts without the memoised scheduling configuration of an earlier one
    (its rows were rolled back, and SQLite may hand the same ids out again)."""
    from willkommen.scheduling import config_cache

    config_cache.clear_local()
    yield
    config_cache.clear_local()


@pytest.fixture
def client(client):
    """The test client asks for English, so that tests can read the source strings.

    German stays the site's default: ``tests/test_i18n.py`` sends no language on purpose
    and checks the German default and every translation; the browser tests run in German,
    Arabic, Persian and Ukrainian."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def organisations(db):
    return {
        "office": Organisation.objects.create(
            name="Ausländerbehörde Testhausen",
            short_name="ABH",
            kind=OrganisationKind.IMMIGRATION_OFFICE,
        ),
        "city": Organisation.objects.create(
            name="Stadt Testhausen", short_name="Stadt", kind=OrganisationKind.CITY_SOCIAL_SERVICES
        ),
        "caritas": Organisation.objects.create(
            name="Caritas Testhausen",
            short_name="Caritas",
            kind=OrganisationKind.WELFARE_ORGANISATION,
        ),
        "awo": Organisation.objects.create(
            name="AWO Testhausen", short_name="AWO", kind=OrganisationKind.WELFARE_ORGANISATION
        ),
    }


ROLE_ORGANISATION = {
    Role.COUNSELLOR: "caritas",
    Role.OUTREACH: "city",
    Role.ORGANISATION_LEAD: "caritas",
    Role.COORDINATOR: "city",
    Role.OFFICE_CLERK: "office",
    Role.OPERATOR: "city",
}


@pytest.fixture
def make_staff(organisations):
    def make(role, organisation=None, username=None, **extra):
        organisation = organisation or organisations[ROLE_ORGANISATION[role]]
        user = StaffMember(
            username=username or f"{role}-{organisation.short_name}".lower(),
            role=role,
            organisation=organisation,
            first_name=extra.pop("first_name", role.label),
            **extra,
        )
        user.set_password(STAFF_PASSWORD)
        user.save()
        return user

    return make


@pytest.fixture
def staff(make_staff):
    """One staff member per role."""
    return {role: make_staff(role) for role in Role}


@pytest.fixture(scope="module")
def demo_seeded_once(django_db_setup, django_db_blocker):
    """``seed_demo --no-activity`` once for a whole test module instead of once per test.

    The seed runs inside a transaction that stays open for the module and is rolled back
    after it; each test's own transaction nests inside it as a savepoint, so a test's
    changes are undone before the next test and the module's seed is undone before the next
    module. Only for tests that are not ``transaction=True`` (those commit and cannot nest).
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--quiet", "--no-activity", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)
