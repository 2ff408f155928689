"""Request counters and a latency histogram shared by every worker process.

Each process counts in memory and adds its counts to the shared running totals
(``willkommen.ratelimit.totals``: Redis, or a table of the database) at most every
``METRICS_FLUSH_SECONDS`` (and whenever ``/metrics`` is read). The additions are atomic on
both, so several gunicorn workers and several servers add up to one set of figures, and
the totals never expire. A failing store never breaks a request: the counts stay in
memory and are added at the next flush.
"""

import threading
import time

from django.conf import settings

from willkommen.ratelimit import totals

# Upper bounds (seconds) of the latency histogram buckets; +Inf is implied.
LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
STATUS_CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx")
KEY_PREFIX = "metrics:"


def status_class(status_code):
    return f"{min(max(status_code // 100, 1), 5)}xx"


def bucket_label(seconds):
    for bound in LATENCY_BUCKETS:
        if seconds <= bound:
            return repr(bound)
    return "+Inf"


BUCKET_LABELS = tuple(repr(bound) for bound in LATENCY_BUCKETS) + ("+Inf",)
ALL_KEYS = (
    [f"requests:{name}" for name in STATUS_CLASSES]
    + [f"bucket:{label}" for label in BUCKET_LABELS]
    + ["latency_sum_us", "latency_count"]
)


class RequestStats:
    """Counts of one process not yet added to the shared cache."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pending = {}
        self._last_flush = time.monotonic()

    def record(self, status_code, seconds):
        with self._lock:
            for key, amount in (
                (f"requests:{status_class(status_code)}", 1),
                (f"bucket:{bucket_label(seconds)}", 1),
                ("latency_sum_us", int(seconds * 1_000_000)),
                ("latency_count", 1),
            ):
                self._pending[key] = self._pending.get(key, 0) + amount
            due = time.monotonic() - self._last_flush >= flush_interval()
        if due:
            self.flush()

    def flush(self):
        with self._lock:
            pending, self._pending = self._pending, {}
            self._last_flush = time.monotonic()
        failed = {}
        for key, amount in pending.items():
            try:
                totals.add(KEY_PREFIX + key, amount)
            except Exception:  # the store being down must not break requests
                failed[key] = amount
        if failed:
            with self._lock:
                for key, amount in failed.items():
                    self._pending[key] = self._pending.get(key, 0) + amount

    def totals(self):
        """The shared totals (after adding this process's pending counts)."""
        self.flush()
        try:
            stored = totals.values(KEY_PREFIX + key for key in ALL_KEYS)
        except Exception:
            stored = {}
        return {key: int(stored.get(KEY_PREFIX + key) or 0) for key in ALL_KEYS}

    def reset(self):
        """Forget every count (tests)."""
        with self._lock:
            self._pending = {}
        totals.reset(KEY_PREFIX + key for key in ALL_KEYS)


def flush_interval():
    return getattr(settings, "METRICS_FLUSH_SECONDS", 5)


stats = RequestStats()
