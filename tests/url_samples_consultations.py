"""Sample URL kwargs for the consultation staff pages (see tests/staff_urls.py)."""

from tests.consultations.factories import booked_consultation, caritas_consultation


def _record(staff):
    return {"pk": caritas_consultation(staff).pk}


def _client(staff):
    return {"pk": caritas_consultation(staff).client_id}


def _booking(staff):
    return {"pk": booked_consultation(staff).pk}


SAMPLE_KWARGS = {
    "consultations_staff:record": _record,
    "consultations_staff:document": _record,
    "consultations_staff:start": _record,
    "consultations_staff:finish": _record,
    "consultations_staff:no_show": _record,
    "consultations_staff:follow_up": _record,
    "consultations_staff:client": _client,
    "consultations_staff:client_export": _client,
    "consultations_staff:client_erase": _client,
    "consultations_staff:booking_start": _booking,
    "consultations_staff:booking_no_show": _booking,
    "consultations_staff:booking_take_over": _booking,
}
