"""A per-process memo of the scheduling configuration the availability engine reads on
every call: which desks handle a service, a location's schedule, opening hours, ad-hoc
closing days, the counsellors' duty intervals and who speaks which language or knows
which topic.

Why: these rows change a few times a year but were read (up to nine queries) on every
availability request and every booking. They are kept in process memory under a
*generation* number that lives in the shared cache. Saving or deleting any of the models
below bumps the generation, so

- in the process that made the change, the next read sees it at once;
- with a shared cache (Redis, or the database cache production uses without Redis) every
  other process sees it within a second (the generation is re-read at most once a second);
- with the local-memory cache of the development settings, other processes see it after
  at most ``SCHEDULING_CONFIG_CACHE_SECONDS`` (default 10 s; 0 switches the memo off).

A booking made inside that window is the same as a booking made just before the change,
which every closure or opening-hours edit has to reckon with anyway. The double-booking
guarantee does not depend on this memo: it rests on row locks and constraints over the
appointment rows, which are never cached.
"""

import logging
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from willkommen.accounts.models import StaffMember
from willkommen.organisations.models import (
    Desk,
    Language,
    Location,
    OfficeService,
    OpeningHours,
    Topic,
)

from .models import ClosingDay, LocationSchedule, Shift, ShiftException

logger = logging.getLogger(__name__)

GENERATION_KEY = "wk:scheduling:config-generation"

_memo: dict = {}
_lock = threading.Lock()
# Per thread: while set, ``memoised`` builds every value afresh and keeps none (the
# preview of a schedule change reads a configuration that is rolled back afterwards).
_bypass = threading.local()


def _ttl() -> float:
    return float(getattr(settings, "SCHEDULING_CONFIG_CACHE_SECONDS", 10))


# The shared generation as last read, and when: read at most once a second, so a request
# that consults the memo several times costs no cache round trip (with the database cache
# in production, a query) per consultation.
_seen = {"generation": None, "read_at": 0.0}
GENERATION_READ_SECONDS = 1.0


def _generation() -> int:
    now = time.monotonic()
    if _seen["generation"] is not None and now - _seen["read_at"] < GENERATION_READ_SECONDS:
        return _seen["generation"]
    try:
        generation = cache.get(GENERATION_KEY, 0)
    except Exception:  # noqa: BLE001 - a cache outage must not stop bookings
        return -1
    _seen["generation"], _seen["read_at"] = generation, now
    return generation


def memoised(key, build):
    """``build()``'s value for ``key``, from memory while the generation is unchanged and
    the entry is younger than the TTL. Values must be treated as read-only."""
    ttl = _ttl()
    if ttl <= 0 or getattr(_bypass, "active", False):
        return build()
    generation = _generation()
    if generation == -1:
        return build()
    now = time.monotonic()
    entry = _memo.get(key)
    if entry is not None and entry[0] == generation and entry[1] > now:
        return entry[2]
    value = build()
    with _lock:
        if len(_memo) > 4096:  # bounded: keys are per location / service / year
            _memo.clear()
        _memo[key] = (generation, now + ttl, value)
    return value


def _bump_now():
    with _lock:
        _memo.clear()
        _seen["generation"] = None
    try:
        if not cache.add(GENERATION_KEY, 1, None):
            cache.incr(GENERATION_KEY)
    except Exception:  # noqa: BLE001 - the TTL still bounds how stale another process is
        logger.warning("could not bump the scheduling configuration generation", exc_info=True)


# Fields that saves touch often and the engine never reads: a staff login writes
# ``last_login`` (and may rehash the password); it must not empty every process's memo.
IRRELEVANT_UPDATE_FIELDS = frozenset({"last_login", "password"})


def invalidate(*args, update_fields=None, **kwargs):
    """Signal receiver: forget the configuration now, and again after the commit (another
    process could have re-read the old rows between the first bump and the commit)."""
    if update_fields and IRRELEVANT_UPDATE_FIELDS.issuperset(update_fields):
        return
    _bump_now()
    transaction.on_commit(_bump_now, robust=True)


@contextmanager
def bypassed():
    """Reads the configuration straight from the database in this thread, and keeps
    nothing of it: for a configuration that exists only inside a transaction that may
    still be rolled back (``scheduling.schedule_changes``), so that no other request of
    this process is answered from rows that never committed."""
    previous = getattr(_bypass, "active", False)
    _bypass.active = True
    try:
        yield
    finally:
        _bypass.active = previous


def clear_local():
    """Forgets this process's memo (tests call it between cases)."""
    with _lock:
        _memo.clear()
        _seen["generation"] = None


def connect_signals():
    for model in (
        Desk,
        Location,
        OfficeService,
        OpeningHours,
        ClosingDay,
        LocationSchedule,
        Shift,
        ShiftException,
        StaffMember,
        Language,
        Topic,
    ):
        uid = f"scheduling-config-{model._meta.label_lower}"
        post_save.connect(invalidate, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"{uid}-delete")
    for through in (
        Desk.services.through,
        StaffMember.languages.through,
        StaffMember.topics.through,
    ):
        m2m_changed.connect(
            invalidate, sender=through, dispatch_uid=f"scheduling-config-{through._meta.label}"
        )
