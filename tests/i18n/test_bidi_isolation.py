"""Latin-script and numeric data keep their order inside Arabic and Persian messages.

Clients read their booking code, a reference, times and addresses aloud to staff. The
e-mails (plain text), the SMS and the calendar file are laid out here with the Unicode
Bidirectional Algorithm (python-bidi, ``bidi_visual.py``) as a right-to-left paragraph,
and every datum must appear on screen exactly as written. The control renders the same
messages with the isolation switched off and finds them torn apart ("09:30–09:00",
"(Mitte) Herrenstraße 14"). The pages are checked in Chromium:
``tests/browser/test_bidi_pages.py``.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.template import Context, Template
from django.utils import translation
from icalendar import Calendar

from tests.booking.web.office import build_office
from willkommen import bidi
from willkommen.booking import notifications, services
from willkommen.booking.channels import EMAIL, SMS
from willkommen.booking.models import Appointment, AppointmentStatus
from willkommen.booking.services import ConsultationRequest
from willkommen.booking.sms import MemoryBackend

from .bidi_visual import reads_in_order, visual, visual_line

pytestmark = pytest.mark.django_db

NAMES = {
    "ar": "مركز خدمات هانوفر (Hannover Service Center)",
    "fa": "مرکز خدمات هانوفر (Hannover Service Center)",
}
REFERENCE = "ABH-2026-4711"


@pytest.fixture
def office(organisations, make_staff, settings):
    settings.SMS_BACKEND = "willkommen.booking.sms.MemoryBackend"
    MemoryBackend.outbox = []
    built = build_office(organisations, make_staff)
    location = built.location
    location.street = "Herrenstraße 14"
    for language, name in NAMES.items():
        setattr(location, f"name_{language}", name)
    location.save()
    return built


def messages(office, language, external=False):
    """Plain-text e-mail, SMS and calendar text of a confirmation in ``language``."""
    mail.outbox = []
    MemoryBackend.outbox = []
    request = ConsultationRequest("ar", ("forms",))
    if external:
        start = office.at(10)
        appointment = services.add_consultation_to_external(
            office.location, start, start + timedelta(minutes=30), REFERENCE, request,
            name="Lina Haddad", email="lina@example.org", phone="+4915112345678",
            language=language,
        ).appointment  # fmt: skip
    else:
        appointment = services.book(
            office.service, office.at(10), name="Lina Haddad", email="lina@example.org",
            phone="+4915112345678", consultation=request, language=language,
        ).appointment  # fmt: skip
    Appointment.objects.filter(pk=appointment.pk).update(status=AppointmentStatus.BOOKED)
    appointment.refresh_from_db()
    # Both contacts: the confirmation goes by e-mail only (``channels``); the SMS text is
    # rendered too, as it goes where only a phone number was given.
    notifications.send_booking_message(appointment, "confirmation", via=(EMAIL, SMS))
    [message] = mail.outbox
    [(_phone, sms)] = MemoryBackend.outbox
    calendar = Calendar.from_ical(message.attachments[0][1])
    ics = "\n".join(
        str(event[name]) for event in calendar.walk("VEVENT") for name in ("SUMMARY", "LOCATION")
    )
    ics += "\n" + "\n".join(str(event["DESCRIPTION"]) for event in calendar.walk("VEVENT"))
    return appointment, {"e-mail": message.body, "SMS": sms, "calendar file": ics}


def data(appointment):
    """The data a client reads out, as staff must hear them."""
    consultation = appointment.consultation
    found = [
        appointment.code,
        "Hannover Service Center",
        "Herrenstraße 14, 30159 Hannover",
        f"{consultation.start.astimezone(notifications.timezone.get_current_timezone()):%H:%M}"
        f"–{consultation.end.astimezone(notifications.timezone.get_current_timezone()):%H:%M}",
    ]
    if appointment.is_external:
        found.append(REFERENCE)
    return found


def torn(texts, wanted):
    """(where, datum) for every datum that does not read in order in a text that holds it."""
    return [
        (where, datum)
        for where, text in texts.items()
        for datum in wanted
        if datum in bidi.strip_bidi_controls(text) and not reads_in_order(text, datum)
    ]


@pytest.mark.parametrize("language", ["ar", "fa"])
@pytest.mark.parametrize("external", [False, True], ids=["office", "external"])
def test_data_read_in_order_in_rtl_messages(office, language, external):
    appointment, texts = messages(office, language, external)
    wanted = data(appointment)
    assert torn(texts, wanted) == []
    # Every datum is in the e-mail; the code and the consultation's time in the SMS.
    body = bidi.strip_bidi_controls(texts["e-mail"])
    assert all(datum in body for datum in wanted), (wanted, body)
    sms = texts["SMS"]
    assert reads_in_order(sms, appointment.code)
    assert sms.splitlines()[-1].startswith("http"), "the link stands alone, without marks"


def test_control_without_isolation_the_data_are_torn_apart(office, monkeypatch):
    monkeypatch.setattr(bidi, "ltr_runs", lambda text: [(text, False)] if text else [])
    appointment, texts = messages(office, "ar")
    broken = torn(texts, data(appointment))
    assert ("e-mail", data(appointment)[3]) in broken  # the time range reads backwards
    assert ("SMS", appointment.code) in broken  # glued to the date: "2026/12/SJZF9BDSP7 07"


def test_german_messages_carry_no_direction_marks(office):
    """Marks would help nobody in German, and one non-GSM character doubles an SMS's price."""
    _appointment, texts = messages(office, "de")
    assert all(bidi.strip_bidi_controls(text) == text for text in texts.values())


def test_isolation_cuts_mixed_text_at_its_latin_stretches():
    assert bidi.ltr_runs(NAMES["ar"]) == [
        ("مركز خدمات هانوفر ", False),
        ("(Hannover Service Center)", True),
    ]
    assert bidi.ltr_runs("الهاتف +49 511 168-0.") == [
        ("الهاتف ", False),
        ("+49 511 168-0", True),
        (".", False),
    ]
    assert bidi.ltr_runs(" Herrenstraße 14 (Mitte) ") == [
        (" ", False),
        ("Herrenstraße 14 (Mitte)", True),
        (" ", False),
    ]
    assert bidi.ltr_runs("–") == [("–", False)]


def test_visual_helper_reproduces_the_reported_fault():
    """The check itself: "(Mitte)" outside the isolate lands before the street."""
    line = "العنوان: \u2066Herrenstraße 14\u2069 (Mitte)"
    assert visual_line(line).startswith("(Mitte) Herrenstraße 14")
    assert visual("a\nب") == ["a", "ب"]


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_template_filter_and_tag(language):
    template = Template(
        "{% load bidi %}{{ value|isolate }}|{% isolate %}{{ a }}–{{ b }}{% endisolate %}"
    )
    values = {"value": "شارع Herrenstraße 14 (Mitte)", "a": "09:00", "b": "09:30"}
    with translation.override(language):
        html = template.render(Context(values))
        text = template.render(Context(values, autoescape=False))
    assert html == (
        'شارع <bdi dir="ltr">Herrenstraße 14 (Mitte)</bdi>|<bdi dir="ltr">09:00–09:30</bdi>'
    )
    assert text == "شارع \u2066Herrenstraße 14 (Mitte)\u2069|\u206609:00–09:30\u2069"
    with translation.override("de"):
        assert (
            Template("{% load bidi %}{{ v|isolate }}").render(
                Context({"v": "x"}, autoescape=False)
            )
            == "x"
        )


def test_a_code_pasted_with_direction_marks_is_found():
    from willkommen.consultations.forms import ClientSearchForm

    form = ClientSearchForm(data={"booking_code": "\u2066SJZF9BDSP7\u2069", "pseudonym": ""})
    assert form.is_valid() and form.cleaned_data["booking_code"] == "SJZF9BDSP7"
