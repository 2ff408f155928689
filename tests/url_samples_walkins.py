"""Sample URL kwargs for the walk-in staff pages (see tests/staff_urls.py)."""

from willkommen.accounts.models import Role
from willkommen.organisations.models import Language, Location
from willkommen.walkins import services


def _ticket(staff):
    office = staff[Role.OFFICE_CLERK].organisation
    location, _created = Location.objects.get_or_create(
        name="Walk-in Sample Center",
        defaults={
            "street": "Am Markt 1",
            "postal_code": "30159",
            "city": "Hannover",
            "federal_state": "NI",
            "office": office,
        },
    )
    language, _created = Language.objects.get_or_create(
        code="fa", defaults={"english_name": "Persian", "native_name": "فارسی"}
    )
    ticket = services.register_walk_in(location, language, [], None, staff[Role.OUTREACH])
    return {"pk": ticket.pk}


SAMPLE_KWARGS = {
    f"walkins_staff:{name}": _ticket
    for name in (
        "ticket",
        "ticket_call",
        "ticket_recall",
        "ticket_start",
        "ticket_finish",
        "ticket_left",
        "ticket_hold",
        "ticket_resume",
    )
}
