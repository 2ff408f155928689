"""Configuration and layering: which system a location uses (settings over admin over the
built-in booking), credentials only from the environment, a system check for the setting,
and officesystems below booking."""

import ast
from pathlib import Path

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from willkommen.booking.office_adapter import WillkommenAdapter
from willkommen.officesystems import registry
from willkommen.officesystems.checks import check_office_systems_setting
from willkommen.officesystems.config import config_for, manual_entry_allowed
from willkommen.officesystems.models import OfficeSystem

pytestmark = pytest.mark.django_db

APP = Path(__file__).resolve().parents[2] / "willkommen" / "officesystems"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_officesystems_never_imports_booking_or_apps_above_it():
    above = ("willkommen.booking", "willkommen.consultations", "willkommen.walkins")
    for path in APP.rglob("*.py"):
        for module in imported_modules(path):
            assert not module.startswith(above), f"{path.name} imports {module}"
    for path in (APP / "migrations").glob("0*.py"):
        assert "('booking'" not in path.read_text(), f"{path.name} depends on booking"


def test_the_built_in_adapter_is_registered_by_booking():
    assert registry.adapter_class("willkommen") is WillkommenAdapter
    assert WillkommenAdapter.__module__ == "willkommen.booking.office_adapter"
    assert {"zms", "inbound", "willkommen"} <= set(registry.names())
    assert registry.follower() is not None


def test_settings_win_over_the_admin_and_the_default_is_our_own_booking(office_world, settings):
    location = office_world.location
    assert config_for(location).adapter == "willkommen"
    assert manual_entry_allowed(location)
    OfficeSystem.objects.create(
        location=location, adapter="zms", base_url="https://zms.example/api/citizen"
    )
    assert config_for(location).source == "database"
    assert not manual_entry_allowed(location)
    settings.OFFICE_SYSTEMS = {str(location.pk): {"adapter": "inbound"}}
    assert (config_for(location).adapter, config_for(location).source) == ("inbound", "settings")


def test_the_admin_stores_the_name_of_the_credentials_never_the_credentials(office_world):
    system = OfficeSystem(
        location=office_world.location,
        adapter="zms",
        base_url="https://zms.example/api/citizen",
        credentials_env="Bearer 0123-secret",
    )
    with pytest.raises(ValidationError) as raised:
        system.full_clean()
    assert "credentials_env" in raised.value.message_dict
    system.credentials_env = "ZMS_API_TOKEN"
    system.full_clean()


def test_the_admin_refuses_an_unknown_system_and_zms_without_base_url(office_world):
    for adapter, base_url, field in [("teleport", "", "adapter"), ("zms", "", "base_url")]:
        system = OfficeSystem(location=office_world.location, adapter=adapter, base_url=base_url)
        with pytest.raises(ValidationError) as raised:
            system.full_clean()
        assert field in raised.value.message_dict


def test_the_admin_page_works(client, staff, office_world):
    from willkommen.accounts.models import Role

    operator = staff[Role.OPERATOR]
    operator.is_superuser = operator.is_staff = True
    operator.save()
    client.force_login(operator)
    page = client.get("/admin/officesystems/officesystem/add/")
    assert page.status_code == 200
    assert b"ZMS / eAppointment" in page.content
    assert site._registry[OfficeSystem].get_fields(RequestFactory().get("/"))


def test_the_system_check_names_a_broken_setting(settings, monkeypatch):
    settings.OFFICE_SYSTEMS = {
        "1": {"adapter": "teleport"},
        "2": {"adapter": "zms"},
        "3": {"adapter": "zms", "base_url": "https://z.example", "credentials_env": "NOT_SET_X"},
        "4": {"adapter": "zms", "base_url": "https://z.example", "colour": "blue"},
    }
    monkeypatch.delenv("NOT_SET_X", raising=False)
    found = {problem.id for problem in check_office_systems_setting()}
    assert found == {"officesystems.E002", "officesystems.E003", "officesystems.W001"}
    settings.OFFICE_SYSTEMS = {"1": {"adapter": "zms", "base_url": "https://z.example"}}
    assert check_office_systems_setting() == []


def test_a_malformed_environment_variable_stops_start_up(monkeypatch):
    from willkommen.config import ConfigError, env_json_object

    monkeypatch.setenv("OFFICE_SYSTEMS", '{"1": {"adapter": "zms"')
    with pytest.raises(ConfigError, match="OFFICE_SYSTEMS"):
        env_json_object("OFFICE_SYSTEMS")
    monkeypatch.setenv("OFFICE_SYSTEMS", "[1, 2]")
    with pytest.raises(ConfigError, match="JSON object"):
        env_json_object("OFFICE_SYSTEMS")
