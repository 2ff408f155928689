"""The office system is never told that a consultation exists.

Counterpart of the clerk-side proof for our own calendar
(``tests/security/test_secrecy_differential.py``): here the adapters' outgoing requests
are recorded by the ZMS service and must carry nothing but the reference and the secret —
read calls only, no name, no contact, no language, no time of a consultation. The public
and the clerk see the same whether or not a consultation sits around a ZMS appointment;
the client's secret reaches no log; the admin shows nothing that exists only because of a
consultation.
"""

import logging

import httpx
import pytest
from django.contrib import admin
from django.core import mail

from tests.security.secrecy_worlds import METRICS_TOKEN, build, differences, record, world_state
from willkommen.booking import office_follow, services
from willkommen.booking.models import AppointmentQuerySet
from willkommen.officesystems import registry, sync
from willkommen.officesystems.models import HeldAppointment, OfficeChange, OfficeLink, OfficeSystem
from willkommen.officesystems.zms import ZmsAdapter

from .conftest import ARABIC, AUTH_KEY, PERSIAN, PROCESS_ID, book_through_zms
from .test_sync import due_now

pytestmark = pytest.mark.django_db

# What any HTTP client sends by itself; "authorization" only with configured credentials.
ALLOWED_HEADERS = {"host", "accept", "accept-encoding", "connection", "user-agent"}


def leaks(zms, pairs, client_data) -> list[str]:
    """Everything in the recorded requests beyond the reference and the secret."""
    found = [f"not the documented request: {errors}" for _r, errors in zms.request_violations]
    for request in zms.requests:
        if request.method != "GET":
            found.append(f"{request.method} is not a read call")
        query = {name: values[0] for name, values in request.query.items()}
        if (query.get("processId"), query.get("authKey")) not in pairs or len(query) != 2:
            found.append(f"query {query}")
        if set(request.headers) - ALLOWED_HEADERS:
            found.append(f"headers {set(request.headers) - ALLOWED_HEADERS}")
        raw = " ".join([request.path, *request.query, *request.headers.values(), request.body])
        found += [f"{value!r} sent" for value in client_data if value.lower() in raw.lower()]
    return found


def flow(zms_office, zms, run):
    """A client books around a ZMS appointment; the sync runs; ZMS moves it; another
    client's appointment is cancelled in ZMS."""
    first = book_through_zms(zms_office, zms, hour=10)
    book_through_zms(
        zms_office, zms, hour=9, process_id=PROCESS_ID + 1, request=PERSIAN,
        email="second@example.org",
    )  # fmt: skip
    run()
    zms.processes[PROCESS_ID].start = zms_office.at(14)
    zms.processes[PROCESS_ID + 1].gone = True
    run()
    return first


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run_once():
        due_now()
        with django_capture_on_commit_callbacks(execute=True):
            return sync.run()

    return run_once


def client_data(result):
    consultation = result.consultation
    return [
        "Dana Example",
        "dana@example.org",
        "second@example.org",
        "consultation",
        "family",
        "work",
        consultation.start.strftime("%H%M"),
        str(int(consultation.start.timestamp())),
        result.appointment.code,
    ]


def test_the_office_system_is_told_nothing_but_the_reference_and_the_secret(zms_office, zms, run):
    result = flow(zms_office, zms, run)
    assert len(zms.requests) >= 6 and len(mail.outbox) >= 2  # the flow really ran
    pairs = {(str(PROCESS_ID), AUTH_KEY), (str(PROCESS_ID + 1), AUTH_KEY)}
    assert leaks(zms, pairs, client_data(result)) == []


class LeakyZms(ZmsAdapter):
    """What the guard prevents: an adapter that also sends the consultation's language."""

    name = "zms-leaky"

    def _get(self, process_id, auth_key):
        response = httpx.get(
            self._url(),
            params={"processId": process_id, "authKey": auth_key, "language": "ar"},
            headers={**self._headers(), "X-Topics": "family,work"},
            timeout=2,
        )
        return response.status_code, response.json()


def test_control_a_leaky_adapter_is_caught(zms_office, zms, run):
    registry.register(LeakyZms)
    try:
        OfficeSystem.objects.filter(location=zms_office.location).update(adapter="zms-leaky")
        result = book_through_zms(zms_office, zms)
    finally:
        registry._adapters.pop("zms-leaky")
    found = leaks(zms, {(str(PROCESS_ID), AUTH_KEY)}, client_data(result))
    assert any("not the documented request" in problem for problem in found)
    assert any("headers" in problem for problem in found)
    assert any("'family' sent" in problem for problem in found)


def test_the_clients_secret_reaches_no_log(zms_office, zms, caplog):
    caplog.set_level(logging.DEBUG)
    book_through_zms(zms_office, zms)
    assert zms.requests and AUTH_KEY not in caplog.text


def test_control_httpx_at_info_would_log_the_secret(zms_office, zms, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="httpx")
    book_through_zms(zms_office, zms)
    assert f"authKey={AUTH_KEY}" in caplog.text


@pytest.fixture
def secrecy_world(organisations, make_staff, settings, zms):
    settings.METRICS_TOKEN = METRICS_TOKEN
    world = build(organisations, make_staff)
    OfficeSystem.objects.create(location=world.world.location, adapter="zms", base_url=zms.url)
    return world


def _recorded(secrecy_world, zms, with_consultation):
    with world_state():
        own_rows = []
        if with_consultation:
            zms.add(PROCESS_ID, AUTH_KEY, secrecy_world.at(10))
            result = office_follow.add_consultation_by_lookup(
                secrecy_world.world.location, str(PROCESS_ID), AUTH_KEY, ARABIC,
                "Dana Example", "dana@example.org",
            )  # fmt: skip
            own_rows = [(result.appointment.code, result.appointment.pk)]
            zms.processes[PROCESS_ID].start = secrecy_world.at(11)
            due_now()
            sync.run()
        return record(secrecy_world, own_rows)


def test_public_and_office_see_the_same_with_and_without_a_consultation_held_in_zms(
    secrecy_world, zms
):
    with_consultation = _recorded(secrecy_world, zms, True)
    without = _recorded(secrecy_world, zms, False)
    assert with_consultation and not differences(with_consultation, without)


def test_control_an_office_calendar_with_appointments_held_elsewhere_would_tell(
    secrecy_world, zms, monkeypatch
):
    """An appointment held in ZMS exists here only because of a consultation: if the
    office calendar showed it, the clerk would learn who sought counselling."""
    monkeypatch.setattr(
        AppointmentQuerySet, "for_office_calendar", lambda self: self.exclude(status="held")
    )
    with_consultation = _recorded(secrecy_world, zms, True)
    without = _recorded(secrecy_world, zms, False)
    assert differences(with_consultation, without)


def test_the_admin_shows_nothing_that_exists_because_of_a_consultation():
    for model in (OfficeLink, OfficeChange, HeldAppointment):
        assert model not in admin.site._registry
    assert OfficeSystem in admin.site._registry


def test_the_lookup_answer_does_not_depend_on_an_earlier_consultation(zms_office, zms):
    """Somebody who holds the reference and secret (in ZMS, office staff can read them)
    learns nothing from adding a consultation: the answer is a new booking, whether or not
    one exists already."""
    first = book_through_zms(zms_office, zms)
    second = book_through_zms(zms_office, zms, email="office-staff@example.org")
    assert first.appointment.pk != second.appointment.pk
    assert (first.consultation.start, first.consultation.end) == (
        second.consultation.start,
        second.consultation.end,
    )
    assert services.consultation_of(second.appointment) is not None
