"""Office time withheld from first-come booking: the pools of release rounds (the fair
release, ``willkommen.release``), which give their slots out by lottery instead.

Booking sits below the release app and must not import it, so the release app registers a
provider here in its ``ready()``; the engine (``availability``) treats every withheld
(desk, day) as taken. Nothing here depends on booked consultations.
"""

from collections.abc import Callable, Iterable
from datetime import date

# provider(desk_ids, first_day, last_day, now) -> iterable of (desk_id, day) withheld.
WithheldProvider = Callable[[Iterable[int], date, date, object], Iterable[tuple[int, date]]]
_providers: list[WithheldProvider] = []


def register(provider: WithheldProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def withheld_desk_days(desk_ids, first_day, last_day, now) -> set[tuple[int, date]]:
    """(desk, local day) pairs no first-come booking may take."""
    withheld = set()
    for provider in _providers:
        withheld.update(provider(desk_ids, first_day, last_day, now))
    return withheld
