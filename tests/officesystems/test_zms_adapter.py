"""The ZMS adapter against a ZMS citizen API on a loopback port: what it reads from each
documented answer, and that every failure mode — timeouts, 4xx and 5xx, malformed JSON,
an unreachable host, answers outside the document — becomes a typed error, never an
appointment and never a cancellation."""

import socket
import time
from datetime import timedelta

import pytest

from willkommen.officesystems import registry
from willkommen.officesystems.base import (
    AppointmentInPast,
    AppointmentNotFound,
    BadAnswer,
    OfficeStatus,
    OfficeSystemUnreachable,
    SystemConfig,
    WrongSecret,
)
from willkommen.officesystems.zms import ZmsAdapter

from .conftest import AUTH_KEY, PROCESS_ID, past_moment

pytestmark = pytest.mark.django_db


def adapter(zms, **overrides):
    fields = {"location_id": 1, "adapter": "zms", "base_url": zms.url, "timeout_seconds": 1.0}
    return registry.adapter_for(SystemConfig(**(fields | overrides)))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("wrapped", [True, False], ids=["meta-data", "process-itself"])
def test_a_booked_appointment_is_read_from_both_documented_shapes(office_world, zms, wrapped):
    zms.wrapped = wrapped
    zms.add(PROCESS_ID, AUTH_KEY, office_world.at(10), slot_count=3)
    found = adapter(zms, slot_minutes=10).lookup(str(PROCESS_ID), AUTH_KEY)
    assert found.start == office_world.at(10)
    assert found.end == office_world.at(10, 30)  # three slots of ten minutes
    assert found.status == OfficeStatus.BOOKED
    assert found.office_id == "10489"
    assert zms.answers and zms.answers[-1][0] == 200


def test_without_a_slot_count_the_default_length_is_assumed(office_world, zms):
    zms.add(PROCESS_ID, AUTH_KEY, office_world.at(10), slot_count=None)
    found = adapter(zms, default_minutes=45).lookup(str(PROCESS_ID), AUTH_KEY)
    assert found.end - found.start == timedelta(minutes=45)


@pytest.mark.parametrize(
    ("status", "ours"),
    [
        ("confirmed", OfficeStatus.BOOKED),
        ("preconfirmed", OfficeStatus.BOOKED),
        ("conflict", OfficeStatus.BOOKED),
        ("deleted", OfficeStatus.CANCELLED),
        ("blocked", OfficeStatus.CANCELLED),
        ("finished", OfficeStatus.DONE),
        ("missed", OfficeStatus.DONE),
    ],
)
def test_zms_statuses_in_our_words(office_world, zms, status, ours):
    zms.add(PROCESS_ID, AUTH_KEY, office_world.at(10), status=status)
    assert adapter(zms).lookup(str(PROCESS_ID), AUTH_KEY).status == ours


def test_an_unknown_process_and_a_wrong_auth_key_are_told_apart_by_zms(office_world, zms):
    zms.add(PROCESS_ID, AUTH_KEY, office_world.at(10))
    with pytest.raises(AppointmentNotFound):
        adapter(zms).lookup("100999", AUTH_KEY)  # 404 appointmentNotFound
    with pytest.raises(WrongSecret):
        adapter(zms).lookup(str(PROCESS_ID), "ffff")  # 406 authKeyMismatch
    assert [status for status, _body in zms.answers] == [404, 406]


def test_input_that_cannot_be_a_process_id_is_not_sent(office_world, zms):
    for reference in ["", "abc", "1" * 13, "١٢٣"]:
        with pytest.raises(AppointmentNotFound):
            adapter(zms).lookup(reference, AUTH_KEY)
    with pytest.raises(WrongSecret):
        adapter(zms).lookup(str(PROCESS_ID), "")
    assert zms.requests == []


def test_a_cancelled_appointment_answers_not_found(office_world, zms):
    process = zms.add(PROCESS_ID, AUTH_KEY, office_world.at(10))
    process.gone = True
    with pytest.raises(AppointmentNotFound) as raised:
        adapter(zms).lookup(str(PROCESS_ID), AUTH_KEY)
    assert raised.value.definitive


@pytest.mark.parametrize("mode", ["429", "500", "503"])
def test_zms_errors_and_its_rate_limit_mean_try_again_later(office_world, zms, mode):
    zms.add(PROCESS_ID, AUTH_KEY, office_world.at(10))
    zms.mode = mode
    with pytest.raises(OfficeSystemUnreachable) as raised:
        adapter(zms).lookup(str(PROCESS_ID), AUTH_KEY)
    assert not raised.value.definitive
    assert zms.answers[-1][0] == int(mode)  # a documented answer, validated


@pytest.mark.parametrize(
    "fault", ["malformed", "html404", "redirect", "other_process", "unknown_status"]
)
def test_answers_outside_the_document_are_bad_answers(office_world, zms, fault):
    zms.add(PROCESS_ID, AUTH_KEY, office_world.at(10))
    zms.mode = fault
    with pytest.raises(BadAnswer) as raised:
        adapter(zms).lookup(str(PROCESS_ID), AUTH_KEY)
    assert not raised.value.definitive


def test_a_wrong_base_url_is_a_bad_answer_not_a_cancellation(office_world, zms):
    """A 404 from a web server (no ZMS error code) says nothing about the appointment."""
    zms.add(PROCESS_ID, AUTH_KEY, office_world.at(10))
    with pytest.raises(BadAnswer):
        adapter(zms, base_url=zms.url + "/wrong").lookup(str(PROCESS_ID), AUTH_KEY)


def test_a_hanging_system_times_out_within_the_configured_seconds(office_world, zms):
    zms.add(PROCESS_ID, AUTH_KEY, office_world.at(10))
    zms.mode = "hang"
    began = time.monotonic()
    with pytest.raises(OfficeSystemUnreachable) as raised:
        adapter(zms, timeout_seconds=0.3).lookup(str(PROCESS_ID), AUTH_KEY)
    assert raised.value.detail == "timeout"
    assert time.monotonic() - began < 1.5


def test_an_unreachable_host_is_unreachable(office_world):
    config = SystemConfig(
        location_id=1, adapter="zms", base_url=f"http://127.0.0.1:{free_port()}/api/citizen"
    )
    with pytest.raises(OfficeSystemUnreachable):
        ZmsAdapter(config).lookup(str(PROCESS_ID), AUTH_KEY)


def test_only_upcoming_appointments_at_the_configured_office_are_found(office_world, zms):
    zms.add(PROCESS_ID, AUTH_KEY, office_world.at(10), office_id=999)
    with pytest.raises(AppointmentNotFound):
        adapter(zms, office_ids=("10489",)).find_upcoming(str(PROCESS_ID), AUTH_KEY)
    zms.add(PROCESS_ID, AUTH_KEY, past_moment())
    with pytest.raises(AppointmentInPast):
        adapter(zms).find_upcoming(str(PROCESS_ID), AUTH_KEY)
    zms.add(PROCESS_ID, AUTH_KEY, office_world.at(10), status="deleted")
    with pytest.raises(AppointmentNotFound):
        adapter(zms).find_upcoming(str(PROCESS_ID), AUTH_KEY)


def test_credentials_come_from_the_environment_at_the_moment_of_the_request(
    office_world, zms, monkeypatch
):
    zms.add(PROCESS_ID, AUTH_KEY, office_world.at(10))
    monkeypatch.setenv("ZMS_TEST_TOKEN", "Bearer s3cret-from-env")
    adapter(zms, credentials_env="ZMS_TEST_TOKEN").lookup(str(PROCESS_ID), AUTH_KEY)
    assert zms.requests[-1].headers["authorization"] == "Bearer s3cret-from-env"
    monkeypatch.delenv("ZMS_TEST_TOKEN")
    adapter(zms, credentials_env="ZMS_TEST_TOKEN").lookup(str(PROCESS_ID), AUTH_KEY)
    assert "authorization" not in zms.requests[-1].headers
