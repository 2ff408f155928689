"""Counting attempts against a limit: ``hit`` counts one and refuses past the limit,
``exhausted`` only looks. A refusal knows when its window ends, so the answer can say
truthfully when to try again (``Retry-After`` and the message).

Identities (addresses, e-mail addresses, phone numbers, codes) are stored only as a
SHA-256 digest. ``RATELIMIT_ENABLE = False`` switches every limit off (load tests only).
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings

from .store import Window, get_store


@dataclass(frozen=True)
class Limit:
    """At most ``count`` attempts per window of ``seconds``."""

    count: int
    seconds: int

    @classmethod
    def of(cls, value) -> "Limit":
        """A ``Limit`` from a setting's ``(count, seconds)`` pair (or a ``Limit``)."""
        if isinstance(value, Limit):
            return value
        count, seconds = value
        return cls(int(count), int(seconds))

    def halved(self) -> "Limit":
        return Limit(max(1, self.count // 2), self.seconds)


class RateLimitExceeded(Exception):
    """An attempt past the limit; ``retry_after`` is the time left in its window."""

    def __init__(self, window: Window, now: float | None = None):
        self.window = window
        self.retry_after = seconds_left(window, now)
        super().__init__(f"rate limit exceeded, retry after {self.retry_after} s")


def seconds_left(window: Window, now: float | None = None) -> int:
    """Whole seconds until ``window`` ends (at least 1)."""
    now = time.time() if now is None else now
    return max(1, math.ceil(window.ends_at - now))


def enabled() -> bool:
    return getattr(settings, "RATELIMIT_ENABLE", True)


def counter_key(scope: str, identity: str, limit: Limit) -> str:
    """The counter of ``identity`` in ``scope``; the window's length is part of it, so a
    changed setting starts new windows instead of reading old ones."""
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return f"{scope}:{limit.seconds}:{digest}"


def hit(scope: str, identity: str | None, limit) -> Window | None:
    """Counts one attempt of ``identity`` in ``scope``; raises ``RateLimitExceeded`` when
    it is one too many for ``limit`` (a ``Limit`` or ``(count, seconds)``). Nothing is
    counted without an identity or with the limits switched off (returns None)."""
    if not identity or not enabled():
        return None
    limit = Limit.of(limit)
    now = time.time()
    window = get_store().increment(counter_key(scope, identity, limit), limit.seconds, now)
    if window.count > limit.count:
        raise RateLimitExceeded(window, now)
    return window


def exhausted(scope: str, identity: str | None, limit) -> Window | None:
    """The window in which ``identity`` has used up ``limit`` in ``scope``, or None;
    counts nothing."""
    if not identity or not enabled():
        return None
    limit = Limit.of(limit)
    window = get_store().get(counter_key(scope, identity, limit), time.time())
    if window is None or window.count < limit.count:
        return None
    return window


def expired_windows(now: float):
    """The database store's rows of windows that have ended (a queryset, for the retention
    run), or None with Redis, which deletes expired keys itself."""
    return get_store().expired(now)


def purge_expired(now: float | None = None, dry_run=False) -> int:
    """Deletes the counters of windows that have ended (database store; Redis expires
    them itself) and returns their number; ``dry_run`` only counts."""
    return get_store().purge(time.time() if now is None else now, dry_run)
