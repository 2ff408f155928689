"""Public holidays of a location's federal state, from the maintained ``holidays`` library.

Nobody types holidays in: the library knows every state's days. Coordinators see them
read-only beside the ad-hoc closures they do enter.
"""

from datetime import date, timedelta

import holidays
from django.utils.translation import get_language


def holiday_language(language=None) -> str:
    """The language for holiday names: the UI language where the library has the names
    (German, English, Ukrainian), else the official German ones. Without it the library
    answers in English ("Christmas Day") on German pages."""
    code = (language or get_language() or "de").split("-")[0]
    supported = holidays.country_holidays("DE").supported_languages
    if code == "en":
        return "en_US"
    return code if code in supported else "de"


def public_holidays(location, first_day: date, last_day: date) -> list[tuple[date, str]]:
    """(date, name) of every public holiday at ``location`` between the two days, named in
    the UI language."""
    years = range(first_day.year, last_day.year + 1)
    calendar = holidays.country_holidays(
        "DE", subdiv=location.federal_state, years=years, language=holiday_language()
    )
    return sorted((day, name) for day, name in calendar.items() if first_day <= day <= last_day)


def upcoming_public_holidays(location, today: date, days: int = 365):
    return public_holidays(location, today, today + timedelta(days=days))
