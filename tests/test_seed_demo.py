"""The demo data: complete in every UI language, and loading it twice changes nothing."""

import importlib.machinery
import io
import sys
import types
from collections import Counter

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from willkommen.accounts.models import Role, StaffMember
from willkommen.organisations.demo_data import DEMO_PASSWORD
from willkommen.organisations.models import (
    Desk,
    DeskKind,
    Language,
    Location,
    OfficeService,
    OpeningHours,
    Organisation,
    OrganisationKind,
    Topic,
)

pytestmark = pytest.mark.django_db

UI_LANGUAGES = [code for code, _name in settings.LANGUAGES]


def seed(*args):
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def snapshot():
    """Row counts of everything the command writes, including the link tables."""
    return {
        "organisations": Organisation.objects.count(),
        "topics": Topic.objects.count(),
        "languages": Language.objects.count(),
        "locations": Location.objects.count(),
        "opening_hours": OpeningHours.objects.count(),
        "desks": Desk.objects.count(),
        "desk_services": Desk.services.through.objects.count(),
        "services": OfficeService.objects.count(),
        "staff": StaffMember.objects.count(),
        "staff_languages": StaffMember.languages.through.objects.count(),
        "staff_topics": StaffMember.topics.through.objects.count(),
    }


@pytest.fixture(scope="module")
def seeded_twice(demo_seeded_once, django_db_blocker):
    """The demo seeded once for the module (``demo_seeded_once``), then a second time: what
    the first run wrote, for the tests to compare the second run with."""
    with django_db_blocker.unblock():
        first = snapshot()
        seed("--quiet", "--no-activity")
    return first


@pytest.fixture
def seeded(seeded_twice, db):
    return seeded_twice


def test_organisations_by_kind(seeded):
    kinds = Counter(Organisation.objects.values_list("kind", flat=True))
    assert kinds == {
        OrganisationKind.IMMIGRATION_OFFICE: 1,
        OrganisationKind.CITY_SOCIAL_SERVICES: 1,
        OrganisationKind.WELFARE_ORGANISATION: 6,
    }
    assert set(Organisation.objects.values_list("short_name", flat=True)) >= {
        "ABH",
        "Stadt",
        "AWO",
        "Caritas",
        "Diakonie",
        "DRK",
        "kargah",
        "LmDR",
    }
    for organisation in Organisation.objects.all():
        for code in UI_LANGUAGES:
            assert getattr(organisation, f"description_{code}"), (organisation, code)


def test_seven_topics_in_every_language(seeded):
    assert set(Topic.objects.values_list("slug", flat=True)) == {
        "forms",
        "education",
        "family",
        "housing",
        "leisure",
        "work",
        "health",
    }
    for topic in Topic.objects.all():
        for code in UI_LANGUAGES:
            assert getattr(topic, f"name_{code}"), (topic.slug, code)
            assert getattr(topic, f"description_{code}"), (topic.slug, code)


def test_services_in_every_language_with_documents(seeded):
    services = OfficeService.objects.all()
    assert services.count() >= 12
    for service in services:
        assert 15 <= service.duration_minutes <= 45, service.slug
        assert service.desks.filter(kind=DeskKind.OFFICE_DESK).exists(), service.slug
        for code in UI_LANGUAGES:
            assert getattr(service, f"name_{code}"), (service.slug, code)
            assert getattr(service, f"description_{code}"), (service.slug, code)
            documents = getattr(service, f"documents_to_bring_{code}")
            assert documents and documents.strip(), (service.slug, code)
        # The same documents, line by line, in every language.
        line_counts = {
            len(getattr(service, f"documents_to_bring_{code}").splitlines())
            for code in UI_LANGUAGES
        }
        assert len(line_counts) == 1, service.slug


def test_location_with_hours_desks_and_rooms(seeded):
    location = Location.objects.get()
    assert location.federal_state == "NI"
    assert location.office.kind == OrganisationKind.IMMIGRATION_OFFICE
    for code in UI_LANGUAGES:
        for field in ("name", "directions", "accessibility"):
            assert getattr(location, f"{field}_{code}"), (field, code)
    assert set(location.opening_hours.values_list("weekday", flat=True)) == {0, 1, 2, 3, 4}
    kinds = Counter(location.desks.values_list("kind", flat=True))
    assert kinds[DeskKind.OFFICE_DESK] >= 8
    assert kinds[DeskKind.COUNSELLING_ROOM] >= 4


def test_one_account_per_role(seeded):
    expected = {
        "counsellor": (Role.COUNSELLOR, "Caritas"),
        "outreach": (Role.OUTREACH, "Stadt"),
        "lead": (Role.ORGANISATION_LEAD, "Caritas"),
        "coordinator": (Role.COORDINATOR, "Stadt"),
        "clerk": (Role.OFFICE_CLERK, "ABH"),
        "operator": (Role.OPERATOR, "Stadt"),
    }
    for username, (role, organisation) in expected.items():
        user = StaffMember.objects.get(username=username)
        assert (user.role, user.organisation.short_name) == (role, organisation)
        assert user.check_password(DEMO_PASSWORD)
    assert set(StaffMember.objects.values_list("role", flat=True)) == set(Role.values)
    assert StaffMember.objects.get(username="operator").is_staff
    assert not StaffMember.objects.get(username="coordinator").is_staff
    demo_counsellor = StaffMember.objects.get(username="counsellor")
    assert set(demo_counsellor.languages.values_list("code", flat=True)) == {"ar", "en", "de"}
    assert demo_counsellor.topics.count() == Topic.objects.count()


def test_counsellors_spread_over_organisations_and_languages(seeded):
    counsellors = StaffMember.objects.filter(role=Role.COUNSELLOR)
    assert counsellors.count() >= 12
    assert all(user.check_password(DEMO_PASSWORD) for user in counsellors)
    spoken = set(
        Language.objects.filter(staff__role=Role.COUNSELLOR).values_list("code", flat=True)
    )
    assert spoken >= {"ar", "fa", "tr", "ru", "uk"}
    counselling = Organisation.objects.exclude(kind=OrganisationKind.IMMIGRATION_OFFICE)
    for organisation in counselling:
        assert counsellors.filter(organisation=organisation).exists(), organisation
    assert counsellors.filter(organisation__short_name="kargah", languages__code="fa").exists()
    assert counsellors.filter(organisation__short_name="LmDR", languages__code="ru").exists()
    assert counsellors.filter(organisation__short_name="LmDR", languages__code="uk").exists()
    assert not counsellors.filter(topics=None).exists()


def test_second_run_changes_nothing(seeded):
    assert snapshot() == seeded
    usernames = list(StaffMember.objects.values_list("username", flat=True))
    assert len(usernames) == len(set(usernames))
    with CaptureQueriesContext(connection) as queries:
        seed("--quiet", "--no-activity")
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert snapshot() == seeded


def test_reseeding_keeps_a_changed_password_and_repairs_data(seeded):
    user = StaffMember.objects.get(username="counsellor")
    user.set_password("a-new-password-of-my-own")
    user.first_name = "Changed"
    user.save()
    topic = Topic.objects.get(slug="health")
    topic.name_ar = ""
    topic.save()

    seed("--quiet", "--no-activity")

    user.refresh_from_db()
    assert user.check_password("a-new-password-of-my-own")
    assert user.first_name == "Leila"
    topic.refresh_from_db()
    assert topic.name_ar == "الصحة"


def test_prints_the_demo_logins_unless_quiet(db):
    output = seed("--no-activity")
    for username in ("counsellor", "outreach", "lead", "coordinator", "clerk", "operator"):
        assert username in output
    assert DEMO_PASSWORD in output
    assert "organisation_lead" in output
    assert seed("--quiet") == ""


def test_calls_seed_of_app_demo_modules(db, monkeypatch):
    calls = []
    module = types.ModuleType("willkommen.pages.demo")
    module.__spec__ = importlib.machinery.ModuleSpec("willkommen.pages.demo", None)

    def fake_seed(stdout):
        # The master data must exist already when an app seeds its own.
        calls.append(Organisation.objects.filter(short_name="ABH").exists())
        stdout.write("pages demo seeded")

    module.seed = fake_seed
    monkeypatch.setitem(sys.modules, "willkommen.pages.demo", module)

    output = seed("--no-activity")

    assert calls == [True]
    assert "pages demo seeded" in output
