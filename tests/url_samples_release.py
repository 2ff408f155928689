"""Sample URL kwargs for the fair release's staff pages (see tests/staff_urls.py)."""

from datetime import date, timedelta

from django.utils import timezone

from willkommen.release.models import ReleaseRound

from .url_samples_scheduling import _location


def _round(staff):
    """A round that has not opened yet (so that it can still be changed)."""
    now = timezone.now()
    location = _location(staff)
    first_day = date.today() + timedelta(days=30)
    release_round = ReleaseRound.objects.create(
        location=location,
        first_day=first_day,
        last_day=first_day,
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=2),
        draw_at=now + timedelta(days=3),
    )
    return {"pk": release_round.pk}


SAMPLE_KWARGS = {
    "release_staff:round": _round,
    "release_staff:round_edit": _round,
}
