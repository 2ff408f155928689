"""Growing delays (exponential back-off) for failures of one identity, on the same counters
as ``limiter`` (Redis or the database, atomic).

``fail`` counts one failure. The first ``free`` failures within ``reset`` seconds cost
nothing; the ``free``-th and every later one makes the identity wait ``base · 2^k``
seconds (k = 0, 1, 2 … for each failure past the allowance), at most ``cap``. ``waiting``
says how many seconds are left of the current wait (None: no wait). Failures during a wait
are not counted again: the wait the answer names stays true.

The wait after failure number n is stored as its own counter whose window *is* the wait
(``backoff:<scope>:<n>``, ``seconds = delay``); its end is the real end of the wait, so
``Retry-After`` is computed from it and never guessed.
"""

import time
from dataclasses import dataclass

from . import limiter
from .limiter import Limit


@dataclass(frozen=True)
class Backoff:
    """Free failures, the first delay, the longest delay and when the count starts anew
    (all in seconds)."""

    free: int
    base: int
    cap: int
    reset: int

    def delay(self, failures: int) -> int:
        """The wait after the ``failures``-th failure (0 while within the allowance)."""
        if failures < self.free:
            return 0
        steps = failures - self.free
        # 2**steps grows without end; stop doubling once the cap is reached.
        if steps >= 32:
            return self.cap
        return min(self.cap, self.base * 2**steps)


def _failures_limit(policy: Backoff) -> Limit:
    return Limit(1, policy.reset)


def _failures(scope: str, identity: str, policy: Backoff) -> int:
    window = limiter.exhausted(f"backoff:{scope}:failures", identity, _failures_limit(policy))
    return window.count if window is not None else 0


def waiting(scope: str, identity: str | None, policy: Backoff) -> int | None:
    """Seconds left of ``identity``'s current wait in ``scope``, or None."""
    if not identity or not limiter.enabled():
        return None
    failures = _failures(scope, identity, policy)
    delay = policy.delay(failures)
    if not delay:
        return None
    window = limiter.exhausted(f"backoff:{scope}:{failures}", identity, Limit(1, delay))
    if window is None or window.ends_at <= time.time():
        return None
    return limiter.seconds_left(window)


def fail(scope: str, identity: str | None, policy: Backoff) -> int | None:
    """Counts one failure of ``identity``; returns the wait it starts (seconds) or None."""
    if not identity or not limiter.enabled():
        return None
    window = limiter.hit(f"backoff:{scope}:failures", identity, Limit(2**62, policy.reset))
    delay = policy.delay(window.count)
    if not delay:
        return None
    wait = limiter.hit(f"backoff:{scope}:{window.count}", identity, Limit(2**62, delay))
    return limiter.seconds_left(wait)
