"""The adapter interface: one small base class for every office appointment system.

An office system (ZMS/eAppointment, TEVIS, Qmatic, an in-house system, Willkommen's own
booking) is asked one thing: *the appointment with this reference and this secret* —
when it starts and ends, where, and whether it still stands. Optionally it can list the
references changed since a moment. Nothing else is ever sent to it: never a name, a
contact, a language or anything about a consultation (docs/domain.md, rule 1; the office system
must not learn that a consultation exists). Adapters only read.

Shaped after Open Forms' appointment plugins (``openforms/appointments/base.py``): a base
class, typed results and typed errors, and a registry (``registry.py``) the
configuration names adapters in.
"""

import logging
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import ClassVar

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class OfficeStatus(StrEnum):
    """What became of an office appointment, in our words (each adapter maps its own)."""

    BOOKED = "booked"  # stands (also: awaiting the client's activation, checked in, called)
    CANCELLED = "cancelled"  # cancelled or deleted in the office system
    DONE = "done"  # served, missed or archived: nothing left to follow


@dataclass(frozen=True)
class OfficeAppointment:
    """One appointment as the office system answered it."""

    reference: str
    start: datetime
    end: datetime
    status: OfficeStatus
    # The office system's own name or id of the place (ZMS: officeId), for the check that
    # the appointment belongs to the location asked about; empty when the system has none.
    office_id: str = ""
    # Set by Willkommen's own adapter: the booking itself (``booking.Appointment`` id).
    own_appointment_id: int | None = None

    def __post_init__(self):
        if timezone.is_naive(self.start) or timezone.is_naive(self.end):
            raise BadAnswer("naive datetime")
        if self.end <= self.start or self.end - self.start > timedelta(hours=12):
            raise BadAnswer("implausible length")


# --- Errors ------------------------------------------------------------------------------


class OfficeSystemError(Exception):
    """Why an adapter has no appointment to give. ``definitive``: the office system itself
    said so (it is not a failure to reach or understand it)."""

    code = "office_system_error"
    definitive = False

    def __init__(self, detail: str = ""):
        self.detail = detail
        super().__init__(detail or self.code)


class AppointmentNotFound(OfficeSystemError):
    """The system knows no appointment under this reference (or not at this place). For
    an appointment that existed, this is how most systems say it was cancelled."""

    code = "not_found"
    definitive = True


class WrongSecret(OfficeSystemError):
    """The reference exists, the secret does not match."""

    code = "wrong_secret"
    definitive = True


class AppointmentInPast(OfficeSystemError):
    """It exists but has already begun or is over: nothing to add a consultation to."""

    code = "past"
    definitive = True


class OfficeSystemUnreachable(OfficeSystemError):
    """Timeout, no connection, the system's own 5xx or its rate limit: try again later."""

    code = "unreachable"


class BadAnswer(OfficeSystemError):
    """The system answered something its document does not describe (malformed JSON,
    an unexpected status, fields missing or of the wrong type)."""

    code = "bad_answer"


class NotConfigured(OfficeSystemError):
    """The location has no (more) such system, or its configuration is incomplete."""

    code = "not_configured"


# --- Configuration -----------------------------------------------------------------------


@dataclass(frozen=True)
class SystemConfig:
    """How one location reaches its office system. Credentials are never stored here or
    in the database: ``credentials_env`` names the environment variable that holds them,
    read at the moment of the request (``credentials()``)."""

    location_id: int
    adapter: str
    base_url: str = ""
    credentials_env: str = ""
    office_ids: tuple[str, ...] = ()
    slot_minutes: int = 10
    default_minutes: int = 30
    timeout_seconds: float = 5.0
    source: str = "database"  # or "settings"
    extra: dict = field(default_factory=dict)

    def credentials(self) -> str:
        """The credentials from the environment now ('' without any)."""
        return os.environ.get(self.credentials_env, "") if self.credentials_env else ""


# --- The base class ----------------------------------------------------------------------


class OfficeSystemAdapter:
    """Subclass, set ``name`` and ``label``, implement ``lookup``; register the class with
    ``registry.register``. An instance serves one location's configuration."""

    name: ClassVar[str] = ""
    label: ClassVar = ""
    # Whether its appointments carry a secret the client must give (ZMS: the authKey).
    needs_secret: ClassVar[bool] = True
    # Whether it is reached over the network at ``config.base_url``.
    needs_base_url: ClassVar[bool] = False
    # Whether the consultation attaches to the office appointment itself (Willkommen's
    # own booking) instead of to a copy that is kept in step (``links``).
    is_own_booking: ClassVar[bool] = False
    reference_label: ClassVar = _("Reference of your appointment")
    secret_label: ClassVar = _("Security code of your appointment")

    def __init__(self, config: SystemConfig):
        self.config = config

    def lookup(self, reference: str, secret: str) -> OfficeAppointment:
        """The appointment under ``reference`` with ``secret``. Raises one of the errors
        above, never anything else; sends nothing but the reference and the secret."""
        raise NotImplementedError

    def checked_lookup(self, reference: str, secret: str) -> OfficeAppointment:
        """``lookup``, with anything an adapter raises against its contract turned into a
        ``BadAnswer`` (logged): a bug in one adapter must neither give a client a 500 nor
        stop the keeping-in-step of every other appointment."""
        try:
            return self.lookup(reference, secret)
        except OfficeSystemError:
            raise
        except Exception as error:
            logger.exception("office system adapter %s failed", self.name)
            raise BadAnswer(type(error).__name__) from error

    def changes_since(self, moment: datetime) -> set[str] | None:
        """References changed since ``moment``, or None when the system cannot tell (then
        every watched appointment is looked up again)."""
        return None

    def find_upcoming(self, reference: str, secret: str, now=None) -> OfficeAppointment:
        """``lookup`` for a client adding a consultation: only an appointment that stands
        and has not begun, at this location."""
        now = now or timezone.now()
        found = self.checked_lookup(reference, secret)
        if found.status != OfficeStatus.BOOKED:
            raise AppointmentNotFound(f"status {found.status}")
        if self.config.office_ids and found.office_id not in self.config.office_ids:
            raise AppointmentNotFound("another office")
        if found.start <= now:
            raise AppointmentInPast()
        return found
