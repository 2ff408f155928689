"""Running totals shared by every process and server, without expiry: the request counts
and latency histogram behind ``/metrics`` (``observability.request_stats``).

The same stores as the rate-limit windows, so an addition is atomic on Redis (``INCRBY``)
and on the database (one upsert) alike. The Django cache was not: on the database cache
``cache.incr`` is a read and a write (parallel additions were lost) that writes the key
back with the default timeout, so the totals vanished after five idle minutes.
"""

from .store import get_store

PREFIX = "total:"


def add(name: str, amount: int = 1) -> int:
    """Adds ``amount`` to the total ``name``; returns the new total."""
    return get_store().add(PREFIX + name, amount)


def values(names) -> dict:
    """``{name: total}`` for ``names`` (0 for a total never added to)."""
    names = list(names)
    stored = get_store().values([PREFIX + name for name in names])
    return {name: int(stored.get(PREFIX + name) or 0) for name in names}


def reset(names) -> None:
    get_store().delete([PREFIX + name for name in names])
