"""The coordinator's scheduling pages: what they accept, what they refuse, and for whom."""

from datetime import date, time, timedelta

import pytest
from django.urls import reverse

from willkommen.accounts.models import Role
from willkommen.clock import today as local_today
from willkommen.organisations.models import Desk, DeskKind, OfficeService, OpeningHours
from willkommen.scheduling import demo
from willkommen.scheduling.models import ClosingDay, LocationSchedule, Shift, ShiftException

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(client, staff):
    client.force_login(staff[Role.COORDINATOR])
    return client


def post(client, name, data, **kwargs):
    return client.post(reverse(f"scheduling_staff:{name}", kwargs=kwargs) + "?lang=en", data)


def test_location_page_lists_hours_and_upcoming_public_holidays(coordinator_client, location):
    response = coordinator_client.get(
        reverse("scheduling_staff:location", kwargs={"location_id": location.pk}) + "?lang=en"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "08:00" in html and "12:00" in html
    # Christmas is a public holiday in every state and always within the next year.
    assert "-12-25" in html
    assert "Public holidays" in html


def test_add_opening_hours(coordinator_client, location):
    response = post(
        coordinator_client,
        "opening_hours_add",
        {"weekday": 1, "opens": "08:00", "closes": "15:30"},
        location_id=location.pk,
    )
    assert response.status_code == 302
    assert OpeningHours.objects.filter(location=location, weekday=1, closes=time(15, 30)).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"weekday": 0, "opens": "12:00", "closes": "09:00"}, "closing time must be after"),
        ({"weekday": 0, "opens": "11:00", "closes": "14:00"}, "overlaps the opening hours"),
        ({"weekday": 0, "opens": "25:00", "closes": "26:00"}, "Enter a valid time"),
    ],
)
def test_bad_opening_hours_are_refused_with_a_message(coordinator_client, location, data, message):
    response = post(coordinator_client, "opening_hours_add", data, location_id=location.pk)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert OpeningHours.objects.filter(location=location).count() == 1


def test_editing_hours_does_not_overlap_itself(coordinator_client, location):
    hours = OpeningHours.objects.get(location=location)
    response = post(
        coordinator_client,
        "opening_hours_edit",
        {"weekday": 0, "opens": "07:30", "closes": "12:00"},
        location_id=location.pk,
        pk=hours.pk,
    )
    assert response.status_code == 302
    hours.refresh_from_db()
    assert hours.opens == time(7, 30)


def test_delete_opening_hours_needs_post(coordinator_client, location):
    hours = OpeningHours.objects.get(location=location)
    url = reverse(
        "scheduling_staff:opening_hours_delete",
        kwargs={"location_id": location.pk, "pk": hours.pk},
    )
    assert coordinator_client.get(url).status_code == 405
    assert coordinator_client.post(url).status_code == 302
    assert not OpeningHours.objects.filter(pk=hours.pk).exists()


def test_closing_day_in_the_past_is_refused(coordinator_client, location):
    yesterday = local_today() - timedelta(days=1)
    response = post(
        coordinator_client, "closing_day_add", {"date": yesterday}, location_id=location.pk
    )
    assert "cannot be in the past" in response.content.decode()
    assert not ClosingDay.objects.exists()
    tomorrow = local_today() + timedelta(days=1)
    data = {"date": tomorrow, "reason": "Move"}
    assert (
        post(coordinator_client, "closing_day_add", data, location_id=location.pk).status_code
        == 302
    )
    again = post(coordinator_client, "closing_day_add", data, location_id=location.pk)
    assert "already a closing day" in again.content.decode()
    assert ClosingDay.objects.count() == 1


def test_desk_with_services(coordinator_client, location, organisations):
    service = OfficeService.objects.create(
        office=organisations["office"], slug="permit", name="Residence permit"
    )
    response = post(
        coordinator_client,
        "desk_add",
        {
            "name": "Desk 1",
            "kind": DeskKind.OFFICE_DESK,
            "services": [service.pk],
            "is_active": "on",
        },
        location_id=location.pk,
    )
    assert response.status_code == 302
    desk = Desk.objects.get(name="Desk 1")
    assert list(desk.services.all()) == [service]
    clash = post(
        coordinator_client,
        "desk_add",
        {"name": "desk 1", "kind": DeskKind.OFFICE_DESK},
        location_id=location.pk,
    )
    assert "already has this name" in clash.content.decode()


def test_booking_rules_are_validated_and_saved(coordinator_client, location):
    data = {
        "booking_window_days": 28,
        "first_bookable_day_offset": 1,
        "minimum_notice_minutes": 60,
        "consultation_minutes": 45,
        "buffer_minutes": 5,
        "confirmation_minutes": 60,
        "double_opt_in": "on",
    }
    assert (
        post(coordinator_client, "schedule_edit", data, location_id=location.pk).status_code == 302
    )
    schedule = LocationSchedule.objects.get(location=location)
    assert schedule.double_opt_in and schedule.consultation_minutes == 45
    bad = post(
        coordinator_client,
        "schedule_edit",
        {**data, "confirmation_minutes": 0},
        location_id=location.pk,
    )
    assert "Please enter a number from" in bad.content.decode()
    schedule.refresh_from_db()
    assert schedule.confirmation_minutes == 60


def shift_data(location, **overrides):
    data = {"location": location.pk, "weekday": 0, "starts": "09:00", "ends": "12:00"}
    data.update(overrides)
    return data


def test_coordinator_manages_any_counsellors_shifts(
    coordinator_client, location, make_staff, organisations
):
    awo_counsellor = make_staff(Role.COUNSELLOR, organisation=organisations["awo"])
    response = post(
        coordinator_client, "shift_add", shift_data(location), counsellor_id=awo_counsellor.pk
    )
    assert response.status_code == 302
    assert Shift.objects.filter(counsellor=awo_counsellor).count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"starts": "12:00", "ends": "09:00"}, "must end after it starts"),
        ({"starts": "04:00", "ends": "09:00"}, "Shifts must lie between 06:00 and 22:00"),
        ({"starts": "11:00", "ends": "13:00"}, "overlaps the shift 09:00–12:00"),
        ({"valid_from": "2030-02-01", "valid_until": "2030-01-01"}, "end of validity"),
    ],
)
def test_bad_shifts_are_refused(coordinator_client, location, staff, overrides, message):
    counsellor = staff[Role.COUNSELLOR]
    Shift.objects.create(
        counsellor=counsellor, location=location, weekday=0, starts=time(9), ends=time(12)
    )
    data = shift_data(location, weekday=0 if "overlaps" in message else 2, **overrides)
    response = post(coordinator_client, "shift_add", data, counsellor_id=counsellor.pk)
    assert message in response.content.decode()
    assert Shift.objects.filter(counsellor=counsellor).count() == 1


def test_room_must_be_at_the_location(coordinator_client, location, staff, organisations):
    other = type(location).objects.create(
        name="Elsewhere",
        street="X 1",
        postal_code="1",
        city="Y",
        federal_state="BY",
        office=organisations["office"],
    )
    foreign_room = Desk.objects.create(location=other, name="R9", kind=DeskKind.COUNSELLING_ROOM)
    response = post(
        coordinator_client,
        "shift_add",
        shift_data(location, room=foreign_room.pk),
        counsellor_id=staff[Role.COUNSELLOR].pk,
    )
    assert "not at the chosen location" in response.content.decode()


def test_lead_manages_only_own_organisations_counsellors(
    client, staff, make_staff, organisations, location
):
    client.force_login(staff[Role.ORGANISATION_LEAD])
    own = staff[Role.COUNSELLOR]
    foreign = make_staff(Role.COUNSELLOR, organisation=organisations["awo"])
    listing = client.get(reverse("scheduling_staff:counsellors")).content.decode()
    assert f"shifts/{own.pk}/" in listing and f"shifts/{foreign.pk}/" not in listing
    assert post(client, "shift_add", shift_data(location), counsellor_id=own.pk).status_code == 302
    assert (
        post(client, "shift_add", shift_data(location), counsellor_id=foreign.pk).status_code
        == 404
    )
    assert not Shift.objects.filter(counsellor=foreign).exists()
    # And the location pages stay closed to a lead.
    url = reverse("scheduling_staff:location", kwargs={"location_id": location.pk})
    assert client.get(url).status_code == 403


def test_absences_and_extra_shifts(coordinator_client, location, staff):
    counsellor = staff[Role.COUNSELLOR]
    future = local_today() + timedelta(days=3)
    whole_day = {"kind": "absence", "location": location.pk, "date": future}
    assert (
        post(
            coordinator_client, "exception_add", whole_day, counsellor_id=counsellor.pk
        ).status_code
        == 302
    )
    extra_without_times = {"kind": "extra", "location": location.pk, "date": future}
    response = post(
        coordinator_client, "exception_add", extra_without_times, counsellor_id=counsellor.pk
    )
    assert "needs a start and an end time" in response.content.decode()
    past = {**whole_day, "date": date(2000, 1, 1)}
    response = post(coordinator_client, "exception_add", past, counsellor_id=counsellor.pk)
    assert "cannot be in the past" in response.content.decode()
    assert ShiftException.objects.count() == 1


def test_demo_seed_is_idempotent_and_covers_key_languages(location, make_staff):
    from willkommen.organisations.models import Language

    arabic = Language.objects.create(code="ar", english_name="Arabic", native_name="العربية")
    for weekday in range(1, 5):
        OpeningHours.objects.create(
            location=location, weekday=weekday, opens=time(8), closes=time(15)
        )
    speakers = []
    for index in range(2):
        counsellor = make_staff(Role.COUNSELLOR, username=f"arabic-{index}")
        counsellor.languages.add(arabic)
        speakers.append(counsellor)
    demo.seed()
    first = Shift.objects.count()
    demo.seed()
    assert Shift.objects.count() == first > 0
    assert ClosingDay.objects.filter(location=location).count() == 1
    assert LocationSchedule.objects.filter(location=location).count() == 1
    arabic_days = set(
        Shift.objects.filter(counsellor__in=speakers).values_list("weekday", flat=True)
    )
    assert arabic_days == {0, 1, 2, 3, 4}
