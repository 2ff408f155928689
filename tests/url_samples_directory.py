"""Sample URL kwargs for the directory staff pages (see tests/staff_urls.py)."""

from datetime import date

from willkommen.directory.models import Offer


def _offer(staff):
    offer, _created = Offer.objects.get_or_create(
        reference="sample-offer",
        defaults={
            "title": "Beispielangebot",
            "description": "Beschreibung",
            "provider": "Träger",
            "review_date": date(2099, 1, 1),
        },
    )
    return {"pk": offer.pk}


SAMPLE_KWARGS = {
    "directory_staff:edit": _offer,
    "directory_staff:set_active": _offer,
}
