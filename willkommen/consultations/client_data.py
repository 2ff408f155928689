"""A client's rights: everything held about them as a readable file, and erasure.

Found by the booking code (the client has it on their confirmation) or, inside the
organisation, by pseudonym. Both are audited by the views that call these functions.
"""

from django.db import transaction
from django.utils import timezone

from willkommen.accounts import policy
from willkommen.booking.models import Appointment

from .models import ClientRecord, Consultation


def find_client(user, *, booking_code="", pseudonym=""):
    """The client record the user's organisation holds for this code or pseudonym, or
    None. Never says whether another organisation holds one."""
    if not policy.can_read_case_content(user, user.organisation_id):
        return None
    records = ClientRecord.objects.filter(organisation_id=user.organisation_id)
    if pseudonym:
        return records.filter(pseudonym__iexact=pseudonym.strip()).first()
    if booking_code:
        consultation = (
            Consultation.objects.filter(
                organisation_id=user.organisation_id,
                booking__appointment__code__iexact=booking_code.strip(),
            )
            .exclude(client=None)
            .first()
        )
        return consultation.client if consultation else None
    return None


def _consultation_data(consultation):
    return {
        "id": consultation.pk,
        "channel": consultation.get_channel_display(),
        "status": consultation.get_status_display(),
        "planned_start": _iso(consultation.planned_start),
        "started_at": _iso(consultation.started_at),
        "ended_at": _iso(consultation.ended_at),
        "counsellor": str(consultation.counsellor),
        "language": str(consultation.language) if consultation.language else "",
        "interpreter": consultation.get_interpreter_display(),
        "topics": [str(topic) for topic in consultation.topics.all()],
        "outcomes": [str(outcome) for outcome in consultation.outcomes],
        "referrals": [offer.title for offer in consultation.referrals.all()],
        "note": consultation.note,
        "booking_code": consultation.booking.appointment.code if consultation.booking else "",
    }


def _iso(moment):
    return timezone.localtime(moment).isoformat() if moment else None


def export_client(client: ClientRecord) -> dict:
    consultations = (
        client.consultations.select_related("counsellor", "language", "booking__appointment")
        .prefetch_related("topics", "referrals")
        .order_by("planned_start", "pk")
    )
    return {
        "organisation": str(client.organisation),
        "pseudonym": client.pseudonym,
        "name": client.name,
        "contact": client.contact,
        "consent": {
            "recorded_at": _iso(client.consent_recorded_at),
            "recorded_by": str(client.consent_recorded_by or ""),
            "text_version": client.consent_text_version,
        },
        "last_contact_at": _iso(client.last_contact_at),
        "consultations": [_consultation_data(c) for c in consultations],
        "exported_at": _iso(timezone.now()),
    }


def erase_client(client: ClientRecord) -> int:
    """Removes the person: name, contact and notes; detaches the records (the figures
    stay) and deletes the client record. Also clears the contact data of their past office
    appointments. Returns the number of consultation records anonymised."""
    now = timezone.now()
    with transaction.atomic():
        consultations = Consultation.objects.select_for_update().filter(client=client)
        booking_ids = [c.booking_id for c in consultations if c.booking_id]
        count = consultations.update(note="", client=None, note_deleted_at=now)
        if booking_ids:
            Appointment.objects.filter(consultation__in=booking_ids, end__lt=now).update(
                name="", email="", phone=""
            )
        client.delete()
    return count
