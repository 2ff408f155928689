"""Which adapters exist, and who follows the changes they report.

Adapters register their class under their ``name`` (this app's ``zms`` and ``inbound`` in
its ``ready()``; booking registers Willkommen's own booking from its ``ready()``). The
configuration (``config.py``) names an adapter per location.

The **follower** is the app that owns the consultations: booking registers one object
that the keeping-in-step (``sync.py``) tells about a moved or cancelled office
appointment. That inversion keeps this app below booking: it never imports it.
"""

from typing import Protocol

from .base import NotConfigured, OfficeSystemAdapter, SystemConfig

_adapters: dict[str, type[OfficeSystemAdapter]] = {}
_followers: list = []


def register(adapter_class: type[OfficeSystemAdapter]) -> type[OfficeSystemAdapter]:
    """Registers ``adapter_class`` under its name (usable as a class decorator)."""
    if not adapter_class.name:
        raise ValueError(f"{adapter_class!r} has no name")
    _adapters[adapter_class.name] = adapter_class
    return adapter_class


def adapter_class(name: str) -> type[OfficeSystemAdapter]:
    try:
        return _adapters[name]
    except KeyError:
        raise NotConfigured(f"unknown adapter {name!r}") from None


def adapter_for(config: SystemConfig) -> OfficeSystemAdapter:
    return adapter_class(config.adapter)(config)


def names() -> list[str]:
    return sorted(_adapters)


def choices() -> list[tuple[str, str]]:
    """For the admin's select (callable ``choices``: adapters registered later appear)."""
    return [(name, str(_adapters[name].label)) for name in sorted(_adapters)]


class Follower(Protocol):
    """What the owner of the consultations answers (booking's ``office_follow``)."""

    def wants(self, appointment_id: int) -> bool:
        """Whether the booking still has a consultation to keep in step."""

    def moved(self, appointment_id: int, start, end, now) -> str:
        """The office moved the appointment; returns an ``OfficeChange`` outcome."""

    def cancelled(self, appointment_id: int, now) -> str:
        """The office cancelled the appointment; returns an ``OfficeChange`` outcome."""


def register_follower(follower: Follower) -> None:
    if follower not in _followers:
        _followers.append(follower)


def follower() -> Follower | None:
    return _followers[0] if _followers else None
