"""Latin-script and numeric data read in their logical order on Arabic and Persian pages,
as Chromium lays them out.

Clients read their booking code, the reference of an appointment booked elsewhere, times
and addresses aloud to staff. Each datum is found on the page, and the box of each of its
characters is measured (``Range.getClientRects``): the characters must stand on one line,
left to right in the order they are written, with no other character between them. The
control switches the isolation off (``willkommen.bidi`` and ``{% isolate %}``) and finds
the reported faults: the time range reads backwards, "(Mitte)" jumps before the street.
The plain-text messages are checked in ``tests/i18n/test_bidi_isolation.py``.
"""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from tests.booking.web.office import build_office
from willkommen import bidi
from willkommen.booking import notifications, services
from willkommen.booking.models import Appointment, AppointmentStatus
from willkommen.booking.services import ConsultationRequest
from willkommen.directory import demo
from willkommen.directory.models import Offer
from willkommen.organisations import demo_data as organisations_demo
from willkommen.organisations.models import Language, Topic
from willkommen.pages.templatetags import bidi as bidi_tags

from .conftest import PHONE, TABLET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFERENCE = "ABH-2026-4711"
NAMES = {
    "ar": "مركز خدمات هانوفر (Hannover Service Center)",
    "fa": "مرکز خدمات هانوفر (Hannover Service Center)",
}

# Every character of the page's text with its box, in logical (DOM) order.
CHARACTER_BOXES = """(selector) => {
  const root = document.querySelector(selector);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const characters = [];
  let node;
  while ((node = walker.nextNode())) {
    for (let i = 0; i < node.data.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getBoundingClientRect();
      characters.push([node.data[i], box.left, box.right, box.top, box.width]);
    }
  }
  return characters;
}"""


def layout_faults(page, datum, selector="main"):
    """Why ``datum`` does not read left to right in one piece on the page (empty: it does)."""
    characters = page.evaluate(CHARACTER_BOXES, selector)
    text = "".join(character[0] for character in characters)
    start = text.find(datum)
    assert start >= 0, f"{datum!r} is not on the page"
    own = characters[start : start + len(datum)]
    visible = [c for c in own if c[4] > 0 and not c[0].isspace()]
    faults = []
    line = visible[0][3]
    if any(abs(c[3] - line) > 2 for c in visible):
        faults.append("split over lines")
    lefts = [c[1] for c in visible]
    if lefts != sorted(lefts):
        visual = "".join(c[0] for c in sorted(visible, key=lambda c: c[1]))
        faults.append(f"reads {visual!r}")
    low, high = min(c[1] for c in visible), max(c[2] for c in visible)
    others = characters[:start] + characters[start + len(datum) :]
    between = [
        c[0]
        for c in others
        if c[4] > 0 and abs(c[3] - line) <= 2 and low + 1 < (c[1] + c[2]) / 2 < high - 1
    ]
    if between:
        faults.append(f"{''.join(between)!r} stands inside it")
    return faults


@pytest.fixture
def directory(db):
    for position, data in enumerate(organisations_demo.TOPICS):
        names = {f"name_{code}": text for code, text in data["name"].items()}
        Topic.objects.create(slug=data["slug"], sort_order=position, **names)
    for data in organisations_demo.LANGUAGES:
        Language.objects.create(**data)
    demo.seed()
    return Offer.objects.get(reference="mieterverein-hannover")


@pytest.fixture
def external_booking(organisations, make_staff):
    """An office appointment booked elsewhere (reference ABH-2026-4711) with a consultation,
    at a location whose Arabic and Persian names quote the German one."""
    office = build_office(organisations, make_staff)
    for language, name in NAMES.items():
        setattr(office.location, f"name_{language}", name)
    office.location.save()
    start = office.at(10)
    appointment = services.add_consultation_to_external(
        office.location,
        start,
        start + timedelta(minutes=30),
        REFERENCE,
        ConsultationRequest("ar", ("forms",)),
        name="Lina Haddad",
        email="lina@example.org",
        language="ar",
    ).appointment
    Appointment.objects.filter(pk=appointment.pk).update(status=AppointmentStatus.BOOKED)
    return appointment


def manage_path(appointment, language):
    url = urlsplit(notifications.manage_url(appointment))
    return f"{url.path}?{url.query}".replace("lang=ar", f"lang={language}")


def consultation_times(appointment):
    consultation = appointment.consultation
    zone = notifications.timezone.get_current_timezone()
    return f"{consultation.start.astimezone(zone):%H:%M}–{consultation.end.astimezone(zone):%H:%M}"


def booking_data(appointment):
    return [
        appointment.code,
        REFERENCE,
        "Hannover Service Center",
        consultation_times(appointment),
    ]


ADDRESS = "Herrenstraße 14, 30159 Hannover (Mitte)"


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_booking_data_read_in_order(new_page, external_booking, language):
    page = new_page(viewport=TABLET, locale=language)
    page.goto(manage_path(external_booking, language))
    assert page.locator("html").get_attribute("dir") == "rtl"
    faults = {datum: layout_faults(page, datum) for datum in booking_data(external_booking)}
    assert faults == {datum: [] for datum in faults}


def test_codes_stay_in_one_piece_on_a_phone(new_page, external_booking):
    page = new_page(viewport=PHONE, locale="ar")
    page.goto(manage_path(external_booking, "ar"))
    data = [external_booking.code, REFERENCE, consultation_times(external_booking)]
    faults = {datum: layout_faults(page, datum) for datum in data}
    assert faults == {datum: [] for datum in faults}


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_offer_address_reads_in_order(new_page, directory, language):
    page = new_page(viewport=TABLET, locale=language)
    page.goto(f"/offers/{directory.pk}/?lang={language}")
    assert layout_faults(page, ADDRESS, ".offer-facts") == []


@pytest.fixture
def without_isolation(monkeypatch):
    monkeypatch.setattr(bidi, "ltr_runs", lambda text: [(text, False)] if text else [])
    monkeypatch.setattr(bidi_tags.IsolateNode, "render", lambda self, c: self.nodelist.render(c))


def test_control_without_isolation_the_time_range_reads_backwards(
    new_page, external_booking, without_isolation
):
    page = new_page(viewport=TABLET, locale="ar")
    page.goto(manage_path(external_booking, "ar"))
    faults = layout_faults(page, consultation_times(external_booking))
    assert faults and faults[0].startswith("reads")


def test_control_district_outside_the_isolate_jumps_before_the_street(new_page, directory):
    """The former markup isolated the street alone and put "(Mitte)" after it: the same
    page with that markup fails the same check."""
    page = new_page(viewport=TABLET, locale="ar")
    page.goto(f"/offers/{directory.pk}/?lang=ar")
    assert layout_faults(page, ADDRESS, ".offer-facts") == []
    street = ADDRESS.removesuffix(" (Mitte)")
    html = page.content().replace(
        f'<bdi dir="ltr">{ADDRESS}</bdi>', f"<bdi>{street}</bdi> (Mitte)"
    )
    assert "<bdi>Herrenstraße" in html
    page.set_content(html)
    assert layout_faults(page, ADDRESS, ".offer-facts") != []
