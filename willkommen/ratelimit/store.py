"""Where the counters live: Redis when ``REDIS_URL`` is set, otherwise the database.

Both stores do the same thing in one atomic step: add one to the counter of ``key`` and
return the new count with the end of its window. A window starts with the first attempt
and ends ``seconds`` later, whatever happens in between; the next attempt after its end
starts a new window. They also keep running totals without expiry (``add``, ``values``,
``delete``; see ``totals``).

Why not the Django cache: ``cache.incr`` is a read and a write on every back-end but
Redis, so parallel attempts lose counts; and on the database cache it writes the key back
with the *default* timeout (300 s), so every limit longer than five minutes started anew
after five idle minutes.

* **Redis**: ``INCR``, and ``PEXPIRE`` only when the key has no expiry yet (it is new), in
  one Lua script; Redis expires the key by itself.
* **Database** (PostgreSQL, SQLite): one statement, ``INSERT … ON CONFLICT (key) DO
  UPDATE SET count = count + 1 … RETURNING count, expires_at``. Parallel attempts on the
  same key queue on its row, so none is lost. Inside a caller's transaction the count
  belongs to that transaction (it is undone if the transaction rolls back, and the row
  stays locked until it ends). Expired rows are deleted by ``purge``.
"""

import threading
from dataclasses import dataclass
from datetime import UTC, datetime

import redis
from django.conf import settings
from django.db import connections, router, transaction
from django.utils.dateparse import parse_datetime

from .models import Counter

DEFAULT_KEY_PREFIX = "willkommen:rl:"


@dataclass(frozen=True)
class Window:
    """The state of one counter: attempts counted so far and when the window ends
    (seconds since the epoch)."""

    count: int
    ends_at: float


# One statement on PostgreSQL and SQLite (3.35+). Both CASEs read the row as it was, so an
# expired window starts again at 1 with a new end.
UPSERT = """
INSERT INTO "ratelimit_counter" ("key", "count", "expires_at") VALUES (%s, 1, %s)
ON CONFLICT ("key") DO UPDATE SET
  "count" = CASE WHEN "ratelimit_counter"."expires_at" <= %s THEN 1
                 ELSE "ratelimit_counter"."count" + 1 END,
  "expires_at" = CASE WHEN "ratelimit_counter"."expires_at" <= %s THEN EXCLUDED."expires_at"
                      ELSE "ratelimit_counter"."expires_at" END
RETURNING "count", "expires_at"
"""
ADD = """
INSERT INTO "ratelimit_counter" ("key", "count", "expires_at") VALUES (%s, %s, NULL)
ON CONFLICT ("key") DO UPDATE SET "count" = "ratelimit_counter"."count" + EXCLUDED."count"
RETURNING "count"
"""


class DatabaseStore:
    def _connection(self):
        return connections[router.db_for_write(Counter)]

    def increment(self, key: str, seconds: int, now: float) -> Window:
        connection = self._connection()
        now_value = connection.ops.adapt_datetimefield_value(_datetime(now))
        end_value = connection.ops.adapt_datetimefield_value(_datetime(now + seconds))
        with connection.cursor() as cursor:
            cursor.execute(UPSERT, [key, end_value, now_value, now_value])
            new_count, ends_at = cursor.fetchone()
        return Window(int(new_count), _timestamp(ends_at))

    def get(self, key: str, now: float) -> Window | None:
        row = Counter.objects.filter(key=key, expires_at__gt=_datetime(now)).first()
        if row is None:
            return None
        return Window(row.count, row.expires_at.timestamp())

    def add(self, key: str, amount: int) -> int:
        """Adds ``amount`` to a running total. In a savepoint: a failure must not break
        the caller's transaction (the totals' callers carry on without them)."""
        connection = self._connection()
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(ADD, [key, amount])
            return int(cursor.fetchone()[0])

    def values(self, keys) -> dict:
        rows = Counter.objects.filter(key__in=list(keys), expires_at__isnull=True)
        return dict(rows.values_list("key", "count"))

    def delete(self, keys) -> None:
        Counter.objects.filter(key__in=list(keys)).delete()

    def expired(self, now: float):
        return Counter.objects.filter(expires_at__lte=_datetime(now))

    def purge(self, now: float, dry_run=False) -> int:
        expired = self.expired(now)
        if dry_run:
            return expired.count()
        deleted, _by_model = expired.delete()
        return deleted


# INCR; a key without expiry (new, or left without one) gets the window's length. Returns
# the count and the milliseconds left.
INCREMENT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
return {count, left}
"""


class RedisStore:
    _clients: dict = {}
    _lock = threading.Lock()

    def __init__(self, url: str, prefix: str = DEFAULT_KEY_PREFIX):
        self.prefix = prefix
        with self._lock:
            client = self._clients.get(url)
            if client is None:
                client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
                self._clients[url] = client
        self.client = client
        self.script = client.register_script(INCREMENT_SCRIPT)

    def increment(self, key: str, seconds: int, now: float) -> Window:
        count, left_ms = self.script(keys=[self.prefix + key], args=[int(seconds * 1000)])
        return Window(int(count), now + int(left_ms) / 1000)

    def get(self, key: str, now: float) -> Window | None:
        with self.client.pipeline(transaction=True) as pipeline:
            count, left_ms = pipeline.get(self.prefix + key).pttl(self.prefix + key).execute()
        if count is None or left_ms is None or left_ms <= 0:
            return None
        return Window(int(count), now + left_ms / 1000)

    def add(self, key: str, amount: int) -> int:
        return int(self.client.incrby(self.prefix + key, amount))

    def values(self, keys) -> dict:
        keys = list(keys)
        stored = self.client.mget([self.prefix + key for key in keys]) if keys else []
        return {key: int(value) for key, value in zip(keys, stored, strict=True) if value}

    def delete(self, keys) -> None:
        keys = [self.prefix + key for key in keys]
        if keys:
            self.client.delete(*keys)

    def expired(self, now: float):
        return None  # Redis deletes expired keys itself

    def purge(self, now: float, dry_run=False) -> int:
        return 0


def get_store():
    """The store of this installation's settings (read on every call, so tests can
    switch it with ``override_settings``)."""
    url = getattr(settings, "REDIS_URL", None)
    if url:
        return RedisStore(url, getattr(settings, "RATELIMIT_KEY_PREFIX", DEFAULT_KEY_PREFIX))
    return DatabaseStore()


def _datetime(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC)


def _timestamp(value) -> float:
    """A ``RETURNING`` datetime as the database driver hands it back: an aware datetime
    (PostgreSQL), or a naive UTC one or its text (SQLite)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()
