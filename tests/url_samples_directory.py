"""Sample URL kwargs for the directory staff pages (see tests/staff_urls.py)."""

from datetime import date

from willkommen.accounts.models import Role
from willkommen.directory.models import Offer


def _offer(staff):
    """An offer of the city (the coordinators' organisation), as migration 0004 leaves the
    existing ones: its coordinator may change it, the Caritas lead may not."""
    offer, _created = Offer.objects.get_or_create(
        reference="sample-offer",
        defaults={
            "title": "Beispielangebot",
            "description": "Beschreibung",
            "provider": "Träger",
            "review_date": date(2099, 1, 1),
            "owner": staff[Role.COORDINATOR].organisation,
        },
    )
    return {"pk": offer.pk}


SAMPLE_KWARGS = {
    "directory_staff:edit": _offer,
    "directory_staff:set_active": _offer,
    "directory_staff:history": _offer,
}
