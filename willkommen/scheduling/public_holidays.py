"""Public holidays of a location's federal state, from the maintained ``holidays`` library.

Nobody types holidays in: the library knows every state's days. Coordinators see them
read-only beside the ad-hoc closures they do enter.
"""

from datetime import date, timedelta

import holidays


def public_holidays(location, first_day: date, last_day: date) -> list[tuple[date, str]]:
    """(date, name) of every public holiday at ``location`` between the two days."""
    years = range(first_day.year, last_day.year + 1)
    calendar = holidays.country_holidays("DE", subdiv=location.federal_state, years=years)
    return sorted((day, name) for day, name in calendar.items() if first_day <= day <= last_day)


def upcoming_public_holidays(location, today: date, days: int = 365):
    return public_holidays(location, today, today + timedelta(days=days))
