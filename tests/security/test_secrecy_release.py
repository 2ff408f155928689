"""The secrecy rule holds for the fair release's draw too: two worlds that differ only in
whether one request carries a consultation (rare Persian, "required"; common Arabic, "if
possible") are drawn from the same seed. Everything the anonymous public and the office
clerk can read afterwards — the round's page and API, the availability, the booking pages,
the office calendar and CSV, the display, /metrics — must be identical: the draw gives
office time without looking at consultations (docs/security.md, docs/fair-release.md).

The control shows the recording would notice: a world in which the subject's request asks
for another day gives a different recording.
"""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from willkommen.booking.services import ConsultationRequest
from willkommen.release import draw, requests
from willkommen.release.models import ReleaseRequest, ReleaseRound, RequestStatus

from .secrecy_worlds import METRICS_TOKEN, build, differences, record, world_state

pytestmark = pytest.mark.django_db

SEED = "5eed" * 16
# One moment for both worlds: the round's times are published.
NOW = timezone.now().replace(microsecond=0)
REQUESTERS = 40  # more than the pool's slots: some are not drawn


@pytest.fixture
def secrecy_world(organisations, make_staff, settings):
    settings.METRICS_TOKEN = METRICS_TOKEN
    return build(organisations, make_staff)


def drawn_world(secrecy_world, consultation, required=False, subject_days=None, now=None):
    """A round over the world's day on one desk; ``REQUESTERS`` confirmed requests with
    fixed numbers, the subject's (number REQ07) carrying ``consultation`` or not; drawn
    with a fixed seed. Returns the recording."""
    world = secrecy_world.world
    now = now or NOW
    with world_state():
        release_round = ReleaseRound(
            location=world.location,
            first_day=secrecy_world.day,
            last_day=secrecy_world.day,
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(hours=1),
            draw_at=now + timedelta(hours=2),
            seed=SEED,
        )
        release_round.save()
        release_round.services.set([world.service])
        release_round.desks.set(world.desks[:1])
        for index in range(REQUESTERS):
            subject = index == 7
            request, _token = requests.submit(
                release_round,
                service_id=world.service.pk,
                days=subject_days if subject and subject_days else [],
                name=f"Person {index}",
                email=f"person{index}@example.org",
                consultation=consultation if subject else None,
                consultation_required=required,
                strict=False,
                now=now,
            )
            ReleaseRequest.objects.filter(pk=request.pk).update(
                number=f"REQ{index:02d}", status=RequestStatus.CONFIRMED, confirmed_at=now
            )
        outcome = draw.run_draw(release_round.pk, now=release_round.draw_at)
        assert 0 < outcome.allocated < REQUESTERS
        drawn = list(
            ReleaseRequest.objects.filter(appointment__isnull=False).values_list(
                "appointment__code", "appointment_id"
            )
        )
        recording = record(secrecy_world, drawn)
        public = Client()
        for name, url in (
            ("round page", f"/release/{release_round.pk}/"),
            ("round api", f"/api/v1/release/rounds/{release_round.pk}"),
            ("rounds", "/release/"),
        ):
            response = public.get(url, {"lang": "en"})
            text = re.sub(
                r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", response.content.decode()
            )
            # The round's own id comes from a sequence, like the booking's own row.
            text = text.replace(f"/release/{release_round.pk}/", "/release/ROUND/")
            text = text.replace(f'"id":{release_round.pk}', '"id":ROUND')
            text = text.replace(f'"id": {release_round.pk}', '"id": ROUND')
            recording[name] = f"{response.status_code}\n{text}"
        return recording


@pytest.mark.parametrize(
    ("language", "required"), [("fa", True), ("fa", False), ("ar", False), ("de", True)]
)
def test_the_draw_looks_the_same_with_and_without_a_consultation(
    secrecy_world, language, required
):
    with_consultation = drawn_world(
        secrecy_world, ConsultationRequest(language, ("family",)), required
    )
    without_consultation = drawn_world(secrecy_world, None)
    assert "REQ07" in with_consultation["round page"]
    assert not differences(with_consultation, without_consultation)


def test_control_a_different_request_gives_a_different_recording(secrecy_world):
    """The recording would notice a difference in the draw: the same world twice records
    the same, but the subject asking for the afternoon only changes who gets which slot."""
    plain = drawn_world(secrecy_world, None)
    assert not differences(plain, drawn_world(secrecy_world, None))
    assert differences(plain, drawn_world_with_parts(secrecy_world, ["afternoon"]))


def drawn_world_with_parts(secrecy_world, parts):
    original = requests.submit

    def submit(release_round, **kwargs):
        if kwargs.get("name") == "Person 7":
            kwargs["day_parts"] = parts
        return original(release_round, **kwargs)

    requests.submit = submit
    try:
        return drawn_world(secrecy_world, None)
    finally:
        requests.submit = original
