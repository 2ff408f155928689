"""Issue 14's browser test of the whole fair release: clients request in the browser (in
German on a desktop, in Arabic on a phone, and once without JavaScript), confirm through
the link from their mail, the draw runs, the winner's booking mail arrives, its manage link
opens, the winner cancels, and the next request in draw order gets the slot (its mail and
its status page say so). The round's public page shows the seed's hash before the draw and
the seed and the request numbers in draw order after it. A coordinator sets up a weekly
round in the staff pages. axe finds nothing on any of these pages, in German and Arabic,
and the Arabic pages are mirrored and fit the phone.

The pool has one slot: the office's day is booked first come, all but its first time,
before the round takes the desk's day. Three requests for one slot: one is drawn, two are
not, and the winner's cancellation goes to the second in draw order.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from tests.booking.web.office import build_office
from tests.conftest import STAFF_PASSWORD
from tests.consultations import factories as consultation_factories
from tests.release.conftest import draw_time, make_round
from willkommen.accounts.models import Role
from willkommen.booking import services
from willkommen.booking.availability import find_slots
from willkommen.booking.models import Appointment, AppointmentStatus
from willkommen.release import requests as release_requests
from willkommen.release.draw import run_draw
from willkommen.release.models import ReleaseRequest, ReleaseRound, RequestStatus
from willkommen.release.tokens import make_status_token
from willkommen.release.verify import public_order

from .conftest import DESKTOP, PHONE, axe_violations, login
from .flows import CAPTCHA_SOLVED, click_and_load
from .test_accessibility_crawl import LANGUAGE_COOKIE, RTL_CHECK
from .test_bidi_pages import layout_faults
from .test_consultation_documentation import current_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def office(organisations, make_staff, settings):
    cache.clear()
    settings.BOOKING_CAPTCHA_COST = 1  # the widget solves it at once in tests
    return build_office(organisations, make_staff)


@dataclass
class Client:
    """One person at one browser."""

    page: object
    lang: str
    name: str
    email: str
    javascript: bool = True
    number: str = ""

    @property
    def request(self) -> ReleaseRequest:
        return ReleaseRequest.objects.select_related("appointment").get(number=self.number)


def open_client(new_page, live_server, lang, name, email, viewport, javascript=True):
    page = new_page(
        viewport=viewport, locale="ar" if lang == "ar" else "de-DE", java_script_enabled=javascript
    )
    page.context.add_cookies([{"name": LANGUAGE_COOKIE, "value": lang, "url": live_server.url}])
    return Client(page=page, lang=lang, name=name, email=email, javascript=javascript)


def check_page(client, where):
    """The page is in the client's language and direction; with JavaScript, axe finds
    nothing, and in Arabic the layout is mirrored and fits the screen. (axe and the layout
    checks run inside the page: the run without JavaScript shows the same pages, which the
    runs with JavaScript check.)"""
    page = client.page
    html = page.locator("html")
    direction = "rtl" if client.lang == "ar" else "ltr"
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == (client.lang, direction), (
        where
    )
    assert page.locator("h1").count() == 1, where
    if not client.javascript:
        return
    assert axe_violations(page) == [], where
    if direction == "rtl":
        assert page.evaluate(RTL_CHECK) == [], where
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{where}: {overflow}px wider than the screen"


def translated(text, lang):
    with translation.override(lang):
        return translation.gettext(text)


def label(status, lang):
    with translation.override(lang):
        return str(RequestStatus(status).label)


def path_of(url):
    split = urlsplit(url)
    return f"{split.path}?{split.query}" if split.query else split.path


def mails_to(email):
    return [message for message in mail.outbox if message.to == [email]]


def link_in(message, fragment):
    return path_of(next(part for part in message.body.split() if fragment in part))


def status_path(request):
    path = reverse("release:status", kwargs={"number": request.number})
    return f"{path}?token={make_status_token(request)}"


# The round ------------------------------------------------------------------------------------


def scarce_round(office):
    """A round over the office's day on its one desk, whose pool has one slot left: every
    other time of the day was booked first come before the round was set up. Returns the
    round and the start of that slot."""
    now = timezone.now()
    slots = find_slots(office.service, office.day, office.day, now=now)
    assert len(slots) > 3
    for index, slot in enumerate(slots[1:]):
        services.book(
            office.service, slot.start, name=f"Early {index}", email=f"early{index}@example.org"
        )
    release_round = make_round(office, now=now)
    mail.outbox.clear()
    return release_round, slots[0].start


def check_round_before_the_draw(client, release_round, confirmed):
    page = client.page
    page.goto(reverse("release:round", kwargs={"round_id": release_round.pk}))
    check_page(client, f"round page before the draw ({client.lang})")
    assert page.locator("#round-seed-hash").inner_text() == release_round.seed_sha256
    assert page.locator("#round-seed").count() == 0
    assert release_round.seed not in page.content()
    assert page.locator("#round-slots").inner_text() == "1"
    assert page.locator("#round-confirmed").inner_text() == str(confirmed)
    assert page.locator("#round-order").count() == 0


def check_round_after_the_draw(client, release_round, numbers_in_draw_order):
    page = client.page
    page.goto(reverse("release:round", kwargs={"round_id": release_round.pk}))
    check_page(client, f"round page after the draw ({client.lang})")
    seed = page.locator("#round-seed").inner_text()
    published = page.locator("#round-seed-hash").inner_text()
    # Anyone can check: the seed hashes to the published value, and gives the order shown.
    assert hashlib.sha256(seed.encode()).hexdigest() == published == release_round.seed_sha256
    rows = page.locator("#round-order tbody tr")
    shown = [
        [rows.nth(index).locator("td").nth(column).inner_text() for column in range(3)]
        for index in range(rows.count())
    ]
    assert [number for _place, number, _weight in shown] == numbers_in_draw_order
    assert [place for place, _number, _weight in shown] == ["1", "2", "3"]
    recomputed = public_order(seed, [(number, int(weight)) for _p, number, weight in shown])
    assert recomputed == numbers_in_draw_order
    assert page.locator("#round-allocated").inner_text() == "1"
    # A client looks up their own number (lower case, as typed from a message).
    page.fill("#find-number", numbers_in_draw_order[-1].lower())
    page.click("#order form button[type=submit]")
    page.wait_for_url("**number=*")
    page.wait_for_load_state("load")
    check_page(client, f"round page with a number found ({client.lang})")
    assert page.locator("#sought td").nth(1).inner_text() == numbers_in_draw_order[-1]
    if client.lang == "ar":
        for number in numbers_in_draw_order:
            assert layout_faults(page, number, "#round-order") == [], number


# The client's path ----------------------------------------------------------------------------


def fill_request(client, office, *, days=(), day_parts=(), consultation=False):
    page = client.page
    page.locator("#id_service").select_option(str(office.service.pk))
    for day in days:
        page.locator(f"input[name=days][value='{day.isoformat()}']").check()
    for part in day_parts:
        page.locator(f"input[name=day_parts][value={part}]").check()
    if consultation:
        page.locator("#id_consultation").check()
        page.locator("#id_language").select_option("ar")
        page.locator("input[name=topics][value=forms]").check()
        page.locator("input[name=consultation_required][value=if_possible]").check()
    page.locator("#id_name").fill(client.name)
    page.locator("#id_email").fill(client.email)
    page.locator("#id_privacy").check()


def send_request(client):
    page = client.page
    if client.javascript:
        # The widget fetches a challenge from /api/v1/captcha and solves it in the background.
        page.wait_for_function(CAPTCHA_SOLVED, timeout=60_000)
    click_and_load(page, page.locator("#request-form button[type=submit]"))


def request_in_the_browser(client, release_round, office, **choices):
    """The rounds, the round's page, the form, and the new request's status page."""
    page = client.page
    page.goto(f"/release/?lang={client.lang}")
    check_page(client, f"rounds ({client.lang})")
    round_url = reverse("release:round", kwargs={"round_id": release_round.pk})
    click_and_load(page, page.locator(f"#rounds a[href='{round_url}']"))
    check_page(client, f"round page ({client.lang})")
    assert page.locator("#round-seed-hash").inner_text() == release_round.seed_sha256
    request_url = reverse("release:request", kwargs={"round_id": release_round.pk})
    click_and_load(page, page.locator(f"a[href='{request_url}']"))
    check_page(client, f"request form ({client.lang})")
    if client.lang == "ar":
        # Sent without a contact: the form again, the message in Arabic, nothing saved.
        page.locator("#id_name").fill(client.name)
        page.locator("#id_privacy").check()
        send_request(client)
        missing = "Please give an e-mail address or a mobile number so we can reach you."
        assert translated(missing, "ar") in page.locator("#id_email_error").inner_text()
        check_page(client, "request form with an error (ar)")
        assert not ReleaseRequest.objects.filter(name=client.name).exists()
    fill_request(client, office, **choices)
    send_request(client)
    assert "/release/request/" in page.url and "new=1" in page.url, page.url
    client.number = page.url.split("/release/request/")[1].split("/")[0]
    check_page(client, f"status page of a new request ({client.lang})")
    assert page.locator("#request-status").inner_text() == label("unconfirmed", client.lang)
    if client.lang == "ar":
        assert layout_faults(page, client.number, "#request-facts") == []


def confirm_from_the_mail(client):
    [message] = mails_to(client.email)
    assert client.number in message.subject
    subject = "Please confirm your request for the appointment draw: %(number)s"
    assert message.subject.startswith(translated(subject, client.lang).split("%")[0])
    page = client.page
    page.goto(link_in(message, "/confirm/"))
    check_page(client, f"confirmation page ({client.lang})")
    # Opening the link confirms nothing (mail scanners open links); the button does.
    assert client.request.status == RequestStatus.UNCONFIRMED
    click_and_load(page, page.locator("#confirm-form button[type=submit]"))
    assert f"/release/request/{client.number}/" in page.url
    check_page(client, f"status page of a confirmed request ({client.lang})")
    assert page.locator("#request-status").inner_text() == label("confirmed", client.lang)
    assert client.request.status == RequestStatus.CONFIRMED


def withdraw_in_the_browser(client, release_round, office):
    """Someone who changed their mind withdraws through the status link (shown in this
    client's browser): the request no longer takes part."""
    withdrawn, token = release_requests.submit(
        release_round, service_id=office.service.pk, name="Dana Weber",
        email="dana@example.org", language=client.lang, strict=False,
    )  # fmt: skip
    ReleaseRequest.objects.filter(pk=withdrawn.pk).update(status=RequestStatus.CONFIRMED)
    page = client.page
    page.goto(f"{reverse('release:status', kwargs={'number': withdrawn.number})}?token={token}")
    check_page(client, f"status page before withdrawing ({client.lang})")
    click_and_load(page, page.locator("#withdraw-form button[type=submit]"))
    check_page(client, f"status page of a withdrawn request ({client.lang})")
    assert page.locator("#request-status").inner_text() == label("withdrawn", client.lang)
    assert page.locator("#withdraw-form").count() == 0
    withdrawn.refresh_from_db()
    assert withdrawn.status == RequestStatus.WITHDRAWN


def booking_mail(email):
    """The booking's confirmation: its calendar file and its manage link."""
    [message] = [m for m in mails_to(email) if m.attachments]
    [(_name, content, mimetype)] = message.attachments
    assert mimetype.startswith("text/calendar")
    assert Calendar.from_ical(content).walk("VEVENT")
    return link_in(message, "/book/manage/")


def cancel_in_the_browser(client, manage_path):
    page = client.page
    page.goto(manage_path)
    check_page(client, f"manage page of the drawn booking ({client.lang})")
    assert page.locator(".booking-code strong").is_visible()
    click_and_load(page, page.locator("form:has(input[name=part][value=all]) button"))
    check_page(client, f"question before cancelling ({client.lang})")
    click_and_load(page, page.locator("form:has(input[name=confirmed]) button"))
    check_page(client, f"manage page after cancelling ({client.lang})")


def test_request_confirm_draw_cancel_and_the_next_in_draw_order(new_page, live_server, office):
    release_round, pool_start = scarce_round(office)
    german = open_client(new_page, live_server, "de", "Jonas Becker", "jonas@example.org", DESKTOP)
    arabic = open_client(new_page, live_server, "ar", "أمل حداد", "amal@example.org", PHONE)
    without_javascript = open_client(
        new_page, live_server, "de", "Olena Kovalenko", "olena@example.org", PHONE,
        javascript=False,
    )  # fmt: skip
    clients = [german, arabic, without_javascript]

    request_in_the_browser(german, release_round, office, days=[office.day], day_parts=["morning"])
    request_in_the_browser(arabic, release_round, office, consultation=True)
    request_in_the_browser(
        without_javascript, release_round, office,
        days=[office.day], day_parts=["morning", "afternoon"],
    )  # fmt: skip
    assert ReleaseRequest.objects.filter(status=RequestStatus.UNCONFIRMED).count() == 3
    for client in clients:
        confirm_from_the_mail(client)
    withdraw_in_the_browser(german, release_round, office)
    for client in (german, arabic):
        check_round_before_the_draw(client, release_round, confirmed=3)

    mail.outbox.clear()
    outcome = run_draw(release_round.pk, now=draw_time(release_round))
    assert (outcome.requests, outcome.allocated) == (3, 1)
    in_draw_order = list(
        ReleaseRequest.objects.filter(round=release_round)
        .exclude(draw_position=None)
        .order_by("draw_position")
    )
    numbers = [request.number for request in in_draw_order]
    assert sorted(numbers) == sorted(client.number for client in clients)
    by_number = {client.number: client for client in clients}
    winner, next_in_line, third = (by_number[number] for number in numbers)
    assert [request.status for request in in_draw_order] == [
        RequestStatus.ALLOCATED, RequestStatus.NOT_DRAWN, RequestStatus.NOT_DRAWN,
    ]  # fmt: skip
    for client in (german, arabic):
        check_round_after_the_draw(client, release_round, numbers)

    # The winner's booking mail, with the calendar file and the manage link; the others
    # are told they were not drawn, with their status link.
    drawn = winner.request.appointment
    assert (drawn.status, drawn.start) == (AppointmentStatus.BOOKED, pool_start)
    assert (drawn.name, drawn.language) == (winner.name, winner.lang)
    winner_manage = booking_mail(winner.email)
    for client in (next_in_line, third):
        [message] = mails_to(client.email)
        assert client.number in message.subject and not message.attachments
        assert link_in(message, "/release/request/").startswith(
            f"/release/request/{client.number}/?token="
        )

    mail.outbox.clear()
    cancel_in_the_browser(winner, winner_manage)
    drawn.refresh_from_db()
    assert drawn.status == AppointmentStatus.CANCELLED

    # The slot goes to the next request in draw order: booked, mailed, on its status page.
    following = next_in_line.request
    assert following.status == RequestStatus.ALLOCATED
    given = following.appointment
    assert (given.status, given.start, given.desk_id) == (
        AppointmentStatus.BOOKED, drawn.start, drawn.desk_id,
    )  # fmt: skip
    assert (given.name, given.language) == (next_in_line.name, next_in_line.lang)
    next_manage = booking_mail(next_in_line.email)
    assert third.request.status == RequestStatus.NOT_DRAWN and not mails_to(third.email)
    page = next_in_line.page
    page.goto(status_path(following))
    check_page(next_in_line, f"status page of the next in line ({next_in_line.lang})")
    assert page.locator("#request-status").inner_text() == label("allocated", next_in_line.lang)
    assert page.locator("#withdraw-form").count() == 0
    page.goto(next_manage)
    check_page(next_in_line, f"manage page of the next in line ({next_in_line.lang})")
    assert given.code in page.locator(".booking-code strong").inner_text()
    booked = Appointment.objects.filter(start=drawn.start, status=AppointmentStatus.BOOKED)
    assert list(booked) == [given]

    # Every status page after the draw (drawn, given on, not drawn), in German and Arabic.
    for client in (german, arabic):
        for request in in_draw_order:
            request.refresh_from_db()
            client.page.goto(status_path(request))
            check_page(client, f"status page, {request.status} ({client.lang})")
            assert client.page.locator("#request-status").inner_text() == label(
                request.status, client.lang
            )


# The coordinator ------------------------------------------------------------------------------


def local_minute(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def fill_round_form(page, office, *, draw_at):
    now = timezone.now()
    first_day = office.day + timedelta(days=7)
    page.locator("#id_location").select_option(str(office.location.pk))
    page.locator(f"input[name=services][value='{office.service.pk}']").check()
    page.locator(f"input[name=desks][value='{office.desk.pk}']").check()
    page.locator("#id_first_day").fill(first_day.isoformat())
    page.locator("#id_last_day").fill(first_day.isoformat())
    page.locator("#id_opens_at").fill(local_minute(now + timedelta(hours=1)))
    page.locator("#id_closes_at").fill(local_minute(now + timedelta(hours=5)))
    page.locator("#id_draw_at").fill(draw_at)
    page.locator("input[name=leftover][value=waiting_list]").check()
    page.locator("#id_recurs_weekly").check()


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_a_coordinator_sets_up_a_weekly_round(new_page, live_server, office, staff, lang):
    coordinator = open_client(new_page, live_server, lang, "", "", DESKTOP)
    page = coordinator.page
    login(page, staff[Role.COORDINATOR].username, STAFF_PASSWORD)
    page.wait_for_url("**/staff/")
    page.goto(reverse("release_staff:rounds"))
    check_page(coordinator, f"staff rounds, none yet ({lang})")
    click_and_load(page, page.locator(f"a[href='{reverse('release_staff:round_new')}']"))
    check_page(coordinator, f"new round ({lang})")
    # A draw before requests close: the form again with its errors, nothing saved.
    fill_round_form(page, office, draw_at=local_minute(timezone.now() + timedelta(hours=2)))
    click_and_load(page, page.locator("main form button[type=submit]"))
    assert page.locator("#id_draw_at_error").is_visible()
    assert not ReleaseRound.objects.exists()
    check_page(coordinator, f"new round with an error ({lang})")
    fill_round_form(page, office, draw_at=local_minute(timezone.now() + timedelta(hours=6)))
    click_and_load(page, page.locator("main form button[type=submit]"))
    release_round = ReleaseRound.objects.get()
    assert release_round.recurs_weekly
    assert list(release_round.desks.all()) == [office.desk]
    assert list(release_round.services.all()) == [office.service]
    detail = reverse("release_staff:round", kwargs={"pk": release_round.pk})
    assert page.url.endswith(detail)
    check_page(coordinator, f"staff round ({lang})")
    page.goto(reverse("release_staff:rounds"))
    check_page(coordinator, f"staff rounds ({lang})")
    row = page.locator("#staff-rounds tbody tr").filter(has=page.locator(f"a[href='{detail}']"))
    assert row.count() == 1
    assert translated("weekly", lang) in row.inner_text()
    page.goto(reverse("release_staff:round_edit", kwargs={"pk": release_round.pk}))
    check_page(coordinator, f"change round ({lang})")
    # The round is public before its window opens, with its seed's hash and no form yet.
    page.goto(reverse("release:rounds"))
    check_page(coordinator, f"rounds with the new one ({lang})")
    public = reverse("release:round", kwargs={"round_id": release_round.pk})
    click_and_load(page, page.locator(f"#rounds a[href='{public}']"))
    check_page(coordinator, f"round page of a scheduled round ({lang})")
    assert page.locator("#round-seed-hash").inner_text() == release_round.seed_sha256
    assert page.locator("a[href$='/request/']").count() == 0


def test_the_welcome_service_reads_unmet_required_consultations_in_arabic(
    new_page, live_server, office, staff
):
    """A winner who needs a Persian consultation and got none appears on the counsellor's
    day page; in Arabic, on a phone, the section is mirrored, fits and is axe-clean, and the
    request number reads left to right."""
    now = timezone.now()
    release_round = make_round(office, now=now)
    request, _token = release_requests.submit(
        release_round,
        service_id=office.service.pk,
        name="Zahra Ahmadi",
        email="zahra@example.org",
        consultation=services.ConsultationRequest("fa", ("forms",)),
        consultation_required=True,
        now=now,
    )
    ReleaseRequest.objects.filter(pk=request.pk).update(
        status=RequestStatus.CONFIRMED, confirmed_at=now
    )
    run_draw(release_round.pk, now=draw_time(release_round))
    counsellor = staff[Role.COUNSELLOR]
    device = consultation_factories.verified_device(counsellor)
    page = new_page(viewport=PHONE, locale="ar")
    page.context.add_cookies([{"name": LANGUAGE_COOKIE, "value": "ar", "url": live_server.url}])
    login(page, counsellor.username, STAFF_PASSWORD)
    page.goto("/staff/consultations/")
    page.locator("#id_token").fill(current_token(device))
    click_and_load(page, page.locator("main form button[type=submit]"))
    page.wait_for_url("**/staff/consultations/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert request.number in page.locator("#needed").inner_text()
    assert "Zahra" not in page.locator("main").inner_text()
    assert axe_violations(page) == []
    assert page.evaluate(RTL_CHECK) == []
    assert layout_faults(page, request.number, "#needed") == []
