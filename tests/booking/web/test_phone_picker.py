"""The phone picker of /book/concern/<id>/ (``willkommen.booking.picker``): the consultation
first, then the next free times, a compact month grid of the whole booking window, and the
chosen day's times at the ``#times`` anchor; all of it without JavaScript. Issue 18,
item 4."""

import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from willkommen.booking import picker, services
from willkommen.booking.availability import find_slots
from willkommen.booking.services import ConsultationRequest
from willkommen.clock import LOCAL_ZONE
from willkommen.scheduling.calendar import booking_window, schedule_for
from willkommen.scheduling.models import Shift

from .conftest import CONSULTATION_ARABIC

pytestmark = pytest.mark.django_db


def page(client, office, query="", lang="en"):
    url = reverse("booking:service", kwargs={"service_id": office.service.pk})
    response = client.get(f"{url}?lang={lang}{query}")
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.content.decode()


def consultation_query(consultation):
    parts = []
    for name, value in consultation.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(f"&{name}={item}")
    return "".join(parts)


def utc_text(moment):
    return moment.astimezone(UTC).isoformat()


def section(html, section_id):
    """The HTML of ``<section id=section_id>`` (sections do not nest on this page)."""
    match = re.search(rf'<section[^>]*id="{section_id}".*?</section>', html, re.S)
    return match.group(0) if match else ""


def starts_in(html):
    return re.findall(r'name="start" value="([^"]+)"', html)


def without_csrf(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def bookable(office):
    return picker.window_days(office.location)


def restrict_counsellor(office, starts, ends):
    """The Arabic counsellor on duty only from ``starts`` to ``ends`` on every weekday."""
    Shift.objects.filter(counsellor=office.counsellor).update(starts=starts, ends=ends)


# The month grid ------------------------------------------------------------------------


def test_month_grid_has_weeks_of_seven_days_monday_first():
    days = [date(2027, 3, 1), date(2027, 3, 2), date(2027, 3, 31)]
    grid = picker.month_grid(days)
    assert grid.month == date(2027, 3, 1)
    assert all(len(week) == 7 for week in grid.weeks)
    assert grid.weeks[0][0].day == date(2027, 3, 1)  # a Monday
    assert [cell.day for cell in grid.weeks[-1]][2] == date(2027, 3, 31)
    assert grid.weeks[-1][3].day is None  # April is not drawn into March


def test_month_grid_marks_bookable_and_chosen_days():
    days = [date(2027, 3, 2), date(2027, 3, 3)]
    grid = picker.month_grid(days, chosen=date(2027, 3, 3))
    cells = {cell.day: cell for week in grid.weeks for cell in week if cell.day}
    assert cells[date(2027, 3, 2)].bookable and not cells[date(2027, 3, 2)].chosen
    assert cells[date(2027, 3, 3)].chosen
    assert not cells[date(2027, 3, 6)].bookable
    assert grid.has_bookable


def test_month_grid_keeps_to_the_months_of_the_window():
    days = [date(2027, 3, 30), date(2027, 4, 2), date(2027, 5, 3)]
    assert picker.month_grid(days, month=date(2020, 1, 1)).month == date(2027, 3, 1)
    assert picker.month_grid(days, month=date(2030, 1, 1)).month == date(2027, 5, 1)
    first = picker.month_grid(days)
    assert first.previous is None and first.following == date(2027, 4, 1)
    middle = picker.month_grid(days, month=date(2027, 4, 1))
    assert middle.previous == date(2027, 3, 1) and middle.following == date(2027, 5, 1)
    last = picker.month_grid(days, month=date(2027, 5, 1))
    assert last.following is None


def test_month_grid_opens_at_the_chosen_day():
    days = [date(2027, 3, 30), date(2027, 4, 2)]
    assert picker.month_grid(days, chosen=date(2027, 4, 2)).month == date(2027, 4, 1)


def test_no_bookable_day_no_grid():
    assert picker.month_grid([]) is None


def test_add_months_crosses_the_year():
    assert picker.add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert picker.add_months(date(2027, 1, 1), -1) == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-03", date(2027, 3, 1)),
        ("", None),
        (None, None),
        ("2027-13", None),
        ("March", None),
        ("99999-01", None),
    ],
)
def test_parse_month(text, expected):
    assert picker.parse_month(text) == expected


def test_weekday_columns_run_monday_to_sunday():
    grid = picker.month_grid([date(2027, 3, 10)])
    columns = picker.weekday_dates(grid)
    assert [day.weekday() for day in columns] == list(range(7))


# The next free times -------------------------------------------------------------------


def test_next_free_times_are_the_earliest_free_slots(office):
    window = booking_window(schedule_for(office.location), timezone.now())
    expected = find_slots(office.service, window.first_day, window.last_day)[: picker.NEXT_TIMES]
    found = picker.next_free_times(office.service, office.location)
    assert [slot.start for slot in found] == [slot.start for slot in expected]
    assert len(found) == picker.NEXT_TIMES


def test_next_free_times_leave_out_a_booked_time(office):
    first = picker.next_free_times(office.service, office.location)[0]
    services.book(office.service, first.start, name="Lina", email="lina@example.org")
    again = picker.next_free_times(office.service, office.location)
    assert first.start not in [slot.start for slot in again]


def test_next_free_times_look_beyond_the_first_week(office):
    many = picker.next_free_times(office.service, office.location, count=10_000)
    days = {slot.start.date() for slot in many}
    assert max(days) - min(days) > timedelta(days=picker.SEARCH_STEP_DAYS)


def test_next_free_times_fit_the_consultation(office):
    restrict_counsellor(office, time(8), time(9))
    request = ConsultationRequest("ar", ("forms",))
    found = picker.next_free_times(office.service, office.location, request)
    assert found and all(slot.consultation is not None for slot in found)
    assert all(slot.start.astimezone(LOCAL_ZONE).hour < 10 for slot in found)


def test_next_free_times_without_a_location():
    assert picker.next_free_times(None, None) == []


# The page ------------------------------------------------------------------------------


def test_consultation_comes_before_the_times_and_the_grid(client, office):
    html = page(client, office)
    consultation = html.index('id="consultation"')
    next_times = html.index('id="next"')
    month = html.index('id="month"')
    assert consultation < next_times < month


def test_next_free_times_are_buttons_that_choose(client, office):
    html = section(page(client, office), "next")
    expected = picker.next_free_times(office.service, office.location)
    assert starts_in(html) == [slot.start.isoformat() for slot in expected]
    assert reverse("booking:choose", kwargs={"service_id": office.service.pk}) in html


def test_a_next_free_time_leads_to_the_details(client, office):
    first = starts_in(section(page(client, office), "next"))[0]
    url = reverse("booking:choose", kwargs={"service_id": office.service.pk})
    response = client.post(f"{url}?lang=en", {"start": first})
    assert response.status_code == 302 and response["Location"] == reverse("booking:details")


def test_the_grid_reaches_the_whole_booking_window(client, office):
    days = bookable(office)
    last = days[-1]
    assert last - days[0] > timedelta(days=14)
    html = page(client, office, f"&month={last:%Y-%m}")
    assert f"day={last.isoformat()}#times" in html


def test_day_links_jump_to_the_times(client, office):
    html = section(page(client, office), "month")
    links = re.findall(r'href="\?[^"]*day=(\d{4}-\d{2}-\d{2})(#[a-z]+)"', html)
    assert links and all(anchor == "#times" for _day, anchor in links)
    assert bookable(office)[0].isoformat() in [day for day, _anchor in links]


def test_month_links_keep_the_consultation(client, office):
    days = bookable(office)
    html = page(client, office, consultation_query(CONSULTATION_ARABIC))
    following = picker.add_months(picker.first_of_month(days[0]), 1)
    assert re.search(
        rf'href="\?[^"]*consultation=on[^"]*language=ar[^"]*month={following:%Y-%m}#month"',
        html.replace("&amp;", "&"),
    )


def test_choosing_a_day_shows_its_times_at_the_anchor(client, office):
    html = page(client, office, f"&day={office.day.isoformat()}")
    times = section(html, "times")
    assert 'id="time-heading" tabindex="-1"' in times
    expected = find_slots(office.service, office.day, office.day)
    assert starts_in(times) == [slot.start.isoformat() for slot in expected]
    assert 'id="next"' not in html  # the day's times replace the next free times
    assert 'href="#month"' in times and 'aria-current="date"' in html


def test_consultation_form_leads_to_the_next_step(client, office):
    html = page(client, office)
    assert re.search(r'<form method="get" action="#next"', html)
    html = page(client, office, f"&day={office.day.isoformat()}")
    assert re.search(r'<form method="get" action="#times"', html)
    assert f'name="day" value="{office.day.isoformat()}"' in section(html, "consultation")


def test_only_fitting_times_show_on_the_day(client, office):
    restrict_counsellor(office, time(8), time(9))
    query = f"&day={office.day.isoformat()}" + consultation_query(CONSULTATION_ARABIC)
    times = section(page(client, office, query), "times")
    starts = starts_in(times)
    assert starts and utc_text(office.at(8)) in starts
    assert utc_text(office.at(14)) not in starts
    assert "consultation" in times


def test_only_fitting_times_show_first(client, office):
    restrict_counsellor(office, time(8), time(9))
    html = section(page(client, office, consultation_query(CONSULTATION_ARABIC)), "next")
    assert starts_in(html)
    for start in starts_in(html):
        assert datetime.fromisoformat(start).astimezone(LOCAL_ZONE).hour < 10
    assert 'name="consultation" value="on"' in html and 'name="language" value="ar"' in html


def test_a_consultation_without_language_shows_no_times(client, office):
    html = page(client, office, f"&day={office.day.isoformat()}&consultation=on")
    assert "Please choose a language" in html
    assert not starts_in(html)


def test_a_bad_month_is_ignored(client, office):
    html = page(client, office, "&month=2027-99")
    assert 'class="month-grid"' in html


@pytest.mark.parametrize("weekday", [5, 6])
def test_a_weekend_day_is_refused_clearly(client, office, weekday):
    days = bookable(office)
    saturday = days[0] + timedelta(days=(weekday - days[0].weekday()) % 7)
    html = page(client, office, f"&day={saturday.isoformat()}")
    assert "closed on this day" in html
    assert 'id="times"' not in html


def test_closed_days_are_not_links(client, office):
    days = bookable(office)
    month = picker.first_of_month(days[0])
    html = section(page(client, office, f"&month={month:%Y-%m}"), "month")
    for number in range(1, 28):
        day = month.replace(day=number)
        linked = f"day={day.isoformat()}#times" in html
        assert linked == (day in days)


def test_the_script_is_self_hosted_and_deferred(client, office):
    html = page(client, office)
    assert re.search(rf'<script src="{settings.STATIC_URL}js/booking-picker\.js" defer>', html)
    source = Path(finders.find("js/booking-picker.js")).read_text(encoding="utf-8")
    assert "http://" not in source and "https://" not in source


def test_the_picker_in_arabic(client, office):
    html = page(client, office, f"&day={office.day.isoformat()}", lang="ar")
    assert 'dir="rtl"' in html and 'class="month-grid"' in html
    assert starts_in(section(html, "times"))


def test_public_picker_does_not_change_with_a_booked_consultation(client, office):
    """Secrecy: the times and days the public sees are the same whether a booking made
    nearby carries a consultation or not (docs/security.md)."""
    first = picker.next_free_times(office.service, office.location)[0]
    result = services.book(
        office.service,
        first.start,
        name="Lina",
        email="lina@example.org",
        consultation=ConsultationRequest("ar", ("forms",)),
    )
    queries = ["", consultation_query(CONSULTATION_ARABIC)]
    day = f"&day={first.start.astimezone(LOCAL_ZONE).date().isoformat()}"
    queries += [day, day + consultation_query(CONSULTATION_ARABIC)]
    with_consultation = [without_csrf(page(client, office, query)) for query in queries]
    services.cancel_consultation(result.appointment)
    without = [without_csrf(page(client, office, query)) for query in queries]
    assert with_consultation == without
