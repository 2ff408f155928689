"""Objects the consultation tests need: a location, topics, a Caritas consultation with
case content, a booked consultation, and a staff login that passed the second factor."""

from datetime import timedelta

from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from willkommen.accounts.models import Role
from willkommen.consultations.models import (
    Channel,
    ClientRecord,
    Consultation,
    ConsultationStatus,
)
from willkommen.organisations.models import Language, Location, Topic

SECRET_NOTE = "Secret note: afraid of the landlord"
TOPIC_SLUGS = ["forms", "education", "family", "housing", "leisure", "work", "health"]


def topics():
    return [
        Topic.objects.get_or_create(slug=slug, defaults={"name": slug.title(), "sort_order": i})[0]
        for i, slug in enumerate(TOPIC_SLUGS)
    ]


def language(code="ar"):
    return Language.objects.get_or_create(
        code=code, defaults={"english_name": code, "native_name": code}
    )[0]


def location(office):
    return Location.objects.get_or_create(
        name="Service Center Test",
        defaults={
            "street": "Am Markt 1",
            "postal_code": "30159",
            "city": "Hannover",
            "federal_state": "NI",
            "office": office,
        },
    )[0]


def caritas_consultation(staff, *, finished=True, note=SECRET_NOTE, when=None):
    """A documented consultation of Caritas with topics, a note and a client with name."""
    counsellor = staff[Role.COUNSELLOR]
    when = when or timezone.now() - timedelta(hours=2)
    client = ClientRecord.objects.create(
        organisation=counsellor.organisation,
        name="Amina Testperson",
        contact="+49 170 0000000",
        consent_recorded_at=when,
        consent_recorded_by=counsellor,
        consent_text_version="2026-11",
        last_contact_at=when,
    )
    consultation = Consultation.objects.create(
        organisation=counsellor.organisation,
        counsellor=counsellor,
        location=location(staff[Role.OFFICE_CLERK].organisation),
        channel=Channel.WALK_IN,
        client=client,
        planned_start=when,
        started_at=when,
        ended_at=when + timedelta(minutes=30) if finished else None,
        finished_at=when + timedelta(minutes=30) if finished else None,
        status=ConsultationStatus.FINISHED if finished else ConsultationStatus.IN_PROGRESS,
        language=language(),
        note=note,
        outcome_information=True,
    )
    consultation.topics.set([t for t in topics() if t.slug in ("housing", "health")])
    return consultation


def booked_consultation(staff, start=None):
    """A confirmed ConsultationBooking of the Caritas counsellor, today or at ``start``."""
    from willkommen.booking.models import Appointment, ConsultationBooking

    counsellor = staff[Role.COUNSELLOR]
    if start is None:
        start = timezone.now() + timedelta(minutes=30)
        if timezone.localdate(start) != timezone.localdate():
            # After 23:30 "in half an hour" is tomorrow. Ten minutes ago is still today
            # (day page), and the appointment after it still in the future (retention).
            start = timezone.now() - timedelta(minutes=10)
        # One after the other: PostgreSQL refuses overlapping consultations of a counsellor.
        earlier = ConsultationBooking.objects.filter(counsellor=counsellor).count()
        start += timedelta(minutes=30 * earlier)
    appointment = Appointment.objects.create(
        location=location(staff[Role.OFFICE_CLERK].organisation),
        start=start + timedelta(minutes=30),
        end=start + timedelta(minutes=50),
        status="booked",
        name="Booked Person",
        email="booked@example.org",
        is_external=True,
    )
    booking = ConsultationBooking.objects.create(
        appointment=appointment,
        counsellor=counsellor,
        start=start,
        end=start + timedelta(minutes=30),
        position="before",
        language=language("fa"),
        status="booked",
    )
    booking.topics.set([t for t in topics() if t.slug == "family"])
    return booking


def verified_device(user):
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="test", defaults={"confirmed": True}
    )
    return device


def login_verified(client, user):
    """Logs in and marks the session as having passed the second factor (what
    ``django_otp.login`` does after a correct token)."""
    client.force_login(user)
    device = verified_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def offer(title="Mieterverein Hannover"):
    from willkommen.directory.models import Offer
    from willkommen.directory.services import refresh_search_text

    offer = Offer.objects.create(
        reference=title.lower().replace(" ", "-")[:40],
        title=title,
        description="Tenancy advice",
        provider="Mieterverein",
        review_date=timezone.localdate() + timedelta(days=180),
    )
    refresh_search_text(offer)  # findable, as an offer saved by staff is
    return offer
