"""Which office system a location uses: the ``OFFICE_SYSTEMS`` setting first (JSON in the
environment variable of that name, keyed by location id), then the admin's
``OfficeSystem``, else Willkommen's own booking (``OWN_BOOKING``).

``OFFICE_SYSTEMS='{"1": {"adapter": "zms", "base_url": "https://…/api/citizen",
"credentials_env": "ZMS_TOKEN", "office_ids": ["10489"]}}'`` — see docs/office-systems.md.
"""

from django.conf import settings

from .base import NotConfigured, SystemConfig
from .models import OfficeSystem

OWN_BOOKING = "willkommen"
SETTING_KEYS = {
    "adapter",
    "base_url",
    "credentials_env",
    "office_ids",
    "slot_minutes",
    "default_minutes",
    "timeout_seconds",
}


def _from_setting(location_id: int, entry: dict) -> SystemConfig:
    unknown = set(entry) - SETTING_KEYS
    if unknown or not isinstance(entry.get("adapter"), str):
        raise NotConfigured(f"OFFICE_SYSTEMS[{location_id}]: adapter missing or {unknown}")
    office_ids = entry.get("office_ids") or ()
    if isinstance(office_ids, str):
        office_ids = office_ids.split(",")
    return SystemConfig(
        location_id=location_id,
        adapter=entry["adapter"],
        base_url=str(entry.get("base_url") or ""),
        credentials_env=str(entry.get("credentials_env") or ""),
        office_ids=tuple(str(item).strip() for item in office_ids if str(item).strip()),
        slot_minutes=int(entry.get("slot_minutes", 10)),
        default_minutes=int(entry.get("default_minutes", 30)),
        timeout_seconds=float(entry.get("timeout_seconds", 5)),
        source="settings",
    )


def _from_model(system: OfficeSystem) -> SystemConfig:
    return SystemConfig(
        location_id=system.location_id,
        adapter=system.adapter,
        base_url=system.base_url,
        credentials_env=system.credentials_env,
        office_ids=tuple(item.strip() for item in system.office_ids.split(",") if item.strip()),
        slot_minutes=system.slot_minutes,
        default_minutes=system.default_minutes,
        timeout_seconds=float(system.timeout_seconds),
        source="database",
    )


def setting_entries() -> dict[int, dict]:
    """``OFFICE_SYSTEMS`` by location id (keys may be given as strings in JSON)."""
    raw = getattr(settings, "OFFICE_SYSTEMS", None) or {}
    return {int(key): value for key, value in raw.items()}


def config_for(location_or_id) -> SystemConfig:
    """The office system of a location (Willkommen's own booking when none is set)."""
    location_id = getattr(location_or_id, "pk", location_or_id)
    entry = setting_entries().get(location_id)
    if entry is not None:
        return _from_setting(location_id, entry)
    system = OfficeSystem.objects.filter(location_id=location_id, is_active=True).first()
    if system is not None:
        return _from_model(system)
    return SystemConfig(location_id=location_id, adapter=OWN_BOOKING, source="default")


def has_other_system(location) -> bool:
    """Whether the location's office keeps its appointments in another system."""
    try:
        return config_for(location).adapter != OWN_BOOKING
    except NotConfigured:
        return True  # misconfigured: treat as another system, never trust typed times


def manual_entry_allowed(location) -> bool:
    """Whether a client may type the time of an appointment held elsewhere instead of
    having it looked up: always where the office has no other system (nothing to ask),
    elsewhere only when the operator allows it (``OFFICE_SYSTEMS_MANUAL_ENTRY``)."""
    if not has_other_system(location):
        return True
    return bool(getattr(settings, "OFFICE_SYSTEMS_MANUAL_ENTRY", False))
