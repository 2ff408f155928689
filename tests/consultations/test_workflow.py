"""The counsellor's day: bookings, start, documenting, finish, no-show, follow-ups, and the
rules from "Bad input" (clear message, nothing changed, the attempt audited)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from willkommen.accounts.models import Role
from willkommen.consultations import services
from willkommen.consultations.models import (
    AuditAction,
    AuditEvent,
    Channel,
    Consultation,
    ConsultationStatus,
)

from . import factories
from .factories import (
    SECRET_NOTE,
    booked_consultation,
    caritas_consultation,
    language,
    login_verified,
    topics,
)

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"consultations_staff:{name}", args=args)


def documentation_post(**overrides):
    by_slug = {t.slug: t for t in topics()}
    data = {
        "topics": [by_slug["housing"].pk, by_slug["work"].pk],
        "language": language("ar").pk,
        "interpreter": "phone",
        "duration_minutes": "40",
        "outcome_information": "on",
        "note": "Rent arrears; call the tenants' association.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def offer(db):
    return factories.offer()


def test_day_shows_todays_bookings_with_language_and_topics(client, staff):
    booking = booked_consultation(staff)
    login_verified(client, staff[Role.COUNSELLOR])
    response = client.get(url("day"))
    assert response.status_code == 200
    page = response.content.decode()
    assert booking.start.astimezone(timezone.get_current_timezone()).strftime("%H:%M") in page
    assert "Family" in page  # requested topic
    assert url("booking_start", booking.pk) in page
    assert reverse("walkins_staff:queue") in page


def test_start_document_with_referral_and_finish(client, staff, offer):
    booking = booked_consultation(staff)
    counsellor = staff[Role.COUNSELLOR]
    login_verified(client, counsellor)
    response = client.post(url("booking_start", booking.pk))
    consultation = Consultation.objects.get(booking=booking)
    assert response.status_code == 302 and response["Location"] == url("document", consultation.pk)
    booking.refresh_from_db()
    assert booking.status == "started"
    assert consultation.channel == Channel.BOOKED and consultation.client is not None

    response = client.post(
        url("document", consultation.pk),
        documentation_post(referrals=[offer.pk], outcome_referral="on"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    consultation.refresh_from_db()
    assert {t.slug for t in consultation.topics.all()} == {"housing", "work"}
    assert list(consultation.referrals.all()) == [offer]
    assert consultation.interpreter == "phone" and consultation.outcome_referral
    assert consultation.duration_minutes == 40
    assert consultation.note.startswith("Rent arrears")

    page = client.get(url("record", consultation.pk)).content.decode()
    assert "Mieterverein Hannover" in page
    assert f"offers={offer.pk}" in page  # link to the directory's referral sheet

    assert client.post(url("finish", consultation.pk)).status_code == 302
    consultation.refresh_from_db()
    booking.refresh_from_db()
    assert consultation.status == ConsultationStatus.FINISHED
    assert booking.status == "completed"
    actions = set(
        AuditEvent.objects.filter(object_id=str(consultation.pk)).values_list("action", flat=True)
    )
    assert {AuditAction.READ, AuditAction.UPDATE} <= actions


def test_no_show_of_a_booking(client, staff):
    booking = booked_consultation(staff)
    login_verified(client, staff[Role.COUNSELLOR])
    assert client.post(url("booking_no_show", booking.pk)).status_code == 302
    booking.refresh_from_db()
    assert booking.status == "no_show"


def test_a_record_without_any_topic_is_refused_and_nothing_changes(client, staff):
    consultation = caritas_consultation(staff, finished=False)
    login_verified(client, staff[Role.COUNSELLOR])
    response = client.post(url("document", consultation.pk), documentation_post(topics=[]))
    assert response.status_code == 400
    assert "Choose at least one topic" in response.content.decode() or "Thema" in (
        response.content.decode()
    )
    consultation.refresh_from_db()
    assert consultation.note == SECRET_NOTE
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, object_id=str(consultation.pk), detail="no_topic"
    ).exists()


def test_editing_a_record_after_the_edit_period_is_refused(client, staff, settings):
    settings.CONSULTATION_EDIT_DAYS = 3
    consultation = caritas_consultation(staff, when=timezone.now() - timedelta(days=4))
    login_verified(client, staff[Role.COUNSELLOR])
    response = client.post(url("document", consultation.pk), documentation_post())
    assert response.status_code == 400
    consultation.refresh_from_db()
    assert consultation.note == SECRET_NOTE
    assert {t.slug for t in consultation.topics.all()} == {"housing", "health"}
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, object_id=str(consultation.pk), detail="locked"
    ).exists()


def test_within_the_edit_period_a_finished_record_can_be_corrected(client, staff, settings):
    settings.CONSULTATION_EDIT_DAYS = 3
    consultation = caritas_consultation(staff, when=timezone.now() - timedelta(days=2))
    login_verified(client, staff[Role.COUNSELLOR])
    assert client.post(url("document", consultation.pk), documentation_post()).status_code == 302
    consultation.refresh_from_db()
    assert consultation.note.startswith("Rent arrears")


def test_documenting_another_organisations_record_is_404_and_audited(
    client, staff, make_staff, organisations
):
    consultation = caritas_consultation(staff)
    other = make_staff(Role.COUNSELLOR, organisations["awo"], username="awo-counsellor")
    login_verified(client, other)
    response = client.post(url("document", consultation.pk), documentation_post())
    assert response.status_code == 404
    consultation.refresh_from_db()
    assert consultation.note == SECRET_NOTE
    event = AuditEvent.objects.get(actor=other, action=AuditAction.DENIED)
    assert event.object_id == str(consultation.pk)
    assert event.organisation == organisations["caritas"]


def test_follow_up_in_the_past_is_refused(client, staff):
    consultation = caritas_consultation(staff)
    login_verified(client, staff[Role.COUNSELLOR])
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        url("follow_up", consultation.pk),
        {
            "day": yesterday.isoformat(),
            "start_time": "10:00",
            "counsellor": staff[Role.COUNSELLOR].pk,
        },
    )
    assert response.status_code == 400
    assert Consultation.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, detail="in_past").exists()


def test_follow_up_for_the_same_person(client, staff):
    consultation = caritas_consultation(staff)
    lead = staff[Role.ORGANISATION_LEAD]
    login_verified(client, staff[Role.COUNSELLOR])
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        url("follow_up", consultation.pk),
        {"day": tomorrow.isoformat(), "start_time": "10:00", "counsellor": lead.pk},
    )
    assert response.status_code == 302
    follow_up = Consultation.objects.get(follow_up_of=consultation)
    assert follow_up.client_id == consultation.client_id
    assert follow_up.counsellor == lead and follow_up.status == ConsultationStatus.PLANNED
    assert follow_up.channel == Channel.FOLLOW_UP
    assert timezone.localtime(follow_up.planned_start).hour == 10


def test_follow_up_with_a_counsellor_of_another_organisation_is_refused(
    staff, make_staff, organisations
):
    consultation = caritas_consultation(staff)
    other = make_staff(Role.COUNSELLOR, organisations["awo"], username="awo-c")
    with pytest.raises(services.ConsultationError):
        services.book_follow_up(
            staff[Role.COUNSELLOR], consultation.pk, timezone.now() + timedelta(days=1), other
        )


def test_name_and_contact_only_with_consent(client, staff):
    consultation = caritas_consultation(staff, finished=False)
    consultation.client.name = ""
    consultation.client.contact = ""
    consultation.client.save()
    login_verified(client, staff[Role.COUNSELLOR])
    response = client.post(
        url("document", consultation.pk), documentation_post(client_name="Omar Example")
    )
    assert response.status_code == 400
    consultation.client.refresh_from_db()
    assert consultation.client.name == ""
    response = client.post(
        url("document", consultation.pk),
        documentation_post(client_name="Omar Example", consent_given="on"),
    )
    assert response.status_code == 302
    consultation.client.refresh_from_db()
    assert consultation.client.name == "Omar Example"
    assert consultation.client.consent_recorded_by == staff[Role.COUNSELLOR]
    assert consultation.client.consent_text_version == services.CONSENT_TEXT_VERSION


def test_walk_in_signals_open_and_close_the_record(staff):
    from willkommen.walkins.models import Ticket
    from willkommen.walkins.signals import (
        walk_in_consultation_finished,
        walk_in_consultation_started,
    )

    from .factories import location

    counsellor = staff[Role.COUNSELLOR]
    now = timezone.now()
    ticket = Ticket.objects.create(
        location=location(staff[Role.OFFICE_CLERK].organisation),
        service_day=timezone.localdate(),
        sequence=1,
        number="A001",
        language=language("uk"),
        status="in_consultation",
        queue_position_key=now,
        created_at=now,
        started_at=now,
    )
    ticket.topics.set([t for t in topics() if t.slug == "work"])
    walk_in_consultation_started.send(sender=Ticket, ticket=ticket, counsellor=counsellor)
    walk_in_consultation_started.send(sender=Ticket, ticket=ticket, counsellor=counsellor)
    record = Consultation.objects.get(ticket=ticket)
    assert Consultation.objects.filter(ticket=ticket).count() == 1
    assert record.channel == Channel.WALK_IN and record.status == ConsultationStatus.IN_PROGRESS
    assert [t.slug for t in record.topics.all()] == ["work"]
    assert record.organisation == counsellor.organisation
    walk_in_consultation_finished.send(sender=Ticket, ticket=ticket, counsellor=counsellor)
    record.refresh_from_db()
    assert record.status == ConsultationStatus.FINISHED and record.finished_at is not None


def test_the_lead_sees_the_whole_organisations_day_a_counsellor_only_their_own(
    client, staff, make_staff, organisations
):
    booking = booked_consultation(staff)
    colleague = make_staff(Role.COUNSELLOR, organisations["caritas"], username="colleague")
    login_verified(client, colleague)
    assert url("booking_start", booking.pk) not in client.get(url("day")).content.decode()
    login_verified(client, staff[Role.ORGANISATION_LEAD])
    assert url("booking_start", booking.pk) in client.get(url("day")).content.decode()


def test_the_api_lists_the_days_records(client, staff):
    consultation = caritas_consultation(staff)
    login_verified(client, staff[Role.COUNSELLOR])
    today = timezone.localdate(consultation.planned_start).isoformat()
    listed = client.get("/api/v1/consultations", {"day": today}).json()
    assert [item["id"] for item in listed] == [consultation.pk]
    assert set(listed[0]["topics"]) == {"housing", "health"}
    other_day = (timezone.localdate(consultation.planned_start) + timedelta(days=3)).isoformat()
    assert client.get("/api/v1/consultations", {"day": other_day}).json() == []
    assert client.get("/api/v1/consultations", {"day": "not-a-date"}).status_code == 422
    assert AuditEvent.objects.filter(
        action=AuditAction.READ, object_type="consultation_list"
    ).exists()


def test_the_walk_in_services_open_and_close_the_record(staff, django_capture_on_commit_callbacks):
    """The real path: the walk-ins app's services send the signals after commit."""
    from willkommen.walkins import services as walkins
    from willkommen.walkins.models import Ticket

    from .factories import location

    counsellor = staff[Role.COUNSELLOR]
    now = timezone.now()
    ticket = Ticket.objects.create(
        location=location(staff[Role.OFFICE_CLERK].organisation),
        service_day=timezone.localdate(),
        sequence=2,
        number="A002",
        language=language("ar"),
        status="called",
        called_by=counsellor,
        called_at=now,
        queue_position_key=now,
        created_at=now,
    )
    with django_capture_on_commit_callbacks(execute=True):
        walkins.start_consultation(ticket, counsellor)
    record = Consultation.objects.get(ticket=ticket)
    assert record.status == ConsultationStatus.IN_PROGRESS
    with django_capture_on_commit_callbacks(execute=True):
        walkins.finish(ticket, counsellor)
    record.refresh_from_db()
    assert record.status == ConsultationStatus.FINISHED
