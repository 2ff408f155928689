"""The demo's two appointment draws: an open weekly round to request in, and last week's
round drawn among demo requests, whose order anyone can page through and verify — and
seeding again adds neither twice."""

import io

import pytest
from django.core.management import call_command

from willkommen.release.models import ReleaseRequest, ReleaseRound, RequestStatus

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed_demo", "--quiet", "--no-activity", stdout=io.StringIO())


def test_the_demo_has_an_open_round_and_a_drawn_one_that_verifies(client):
    seed()
    drawn = ReleaseRound.objects.get(drawn_at__isnull=False)
    open_round = ReleaseRound.objects.get(drawn_at__isnull=True)
    assert open_round.previous == drawn and open_round.recurs_weekly
    statuses = set(drawn.requests.values_list("status", flat=True))
    assert statuses == {RequestStatus.ALLOCATED, RequestStatus.NOT_DRAWN}
    out = io.StringIO()
    call_command("verify_draw", str(drawn.pk), stdout=out)
    assert "verified" in out.getvalue()
    lines = client.get(f"/release/{drawn.pk}/order.csv").content.decode().splitlines()
    assert len(lines) == 1 + drawn.requests.count()
    seed()
    assert ReleaseRound.objects.count() == 2
    assert ReleaseRequest.objects.count() == drawn.requests.count()
