"""Business rules of the counsellor's workspace: start, finish, no-show, documenting,
follow-ups and client consent. Views, the API, signal receivers and commands call these;
each change happens inside one transaction, on a locked row.

Every function that touches a record takes the acting user and checks the organisation
itself, so that no caller can forget it: a record of another organisation raises
``NotFound`` (the caller answers 404 and audits the denied attempt).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from willkommen.accounts import policy
from willkommen.accounts.policy import Permission
from willkommen.booking import counselling
from willkommen.errors import DomainError

from .models import (
    Channel,
    ClientRecord,
    Consultation,
    ConsultationStatus,
    InterpreterKind,
)

CONSENT_TEXT_VERSION = "2026-11"


class ConsultationError(DomainError):
    """A rule was broken; ``message`` is translated and shown to the user as it is."""

    status = 422

    def __init__(self, message, code="invalid", field=None):
        super().__init__(message, code=code, field=field)


class NotFound(ConsultationError):
    """The record does not exist, or exists in another organisation (never said which)."""

    status = 404

    def __init__(self):
        super().__init__(_("This consultation does not exist."), code="not_found")


def get_for(user, pk, *, lock=False) -> Consultation:
    """The record, if the user may read its case content; ``NotFound`` otherwise."""
    queryset = Consultation.objects.all()
    if lock:
        queryset = queryset.select_for_update()
    consultation = queryset.filter(pk=pk).first()
    if consultation is None or not policy.can_read_case_content(
        user, consultation.organisation_id
    ):
        raise NotFound()
    return consultation


def _check_may_document(user):
    if not policy.has_permission(user, Permission.DOCUMENT_CONSULTATION):
        raise NotFound()


def _new_client(organisation_id) -> ClientRecord:
    for _attempt in range(5):
        client = ClientRecord(organisation_id=organisation_id)
        if not ClientRecord.objects.filter(
            organisation_id=organisation_id, pseudonym=client.pseudonym
        ).exists():
            client.save()
            return client
    raise RuntimeError("could not find a free pseudonym")  # 31^6 ≈ 10^9: practically never


def _touch_client(consultation, now):
    if consultation.client_id:
        ClientRecord.objects.filter(pk=consultation.client_id).update(last_contact_at=now)


def start_booked(user, booking_id, now=None) -> Consultation:
    """Starts the consultation of a booking held by the user's organisation: the record is
    created (or reopened) and the booking marked as started."""
    _check_may_document(user)
    now = now or timezone.now()
    with transaction.atomic():
        booking = counselling.lock_for_organisation(booking_id, user.organisation_id)
        if booking is None:
            raise NotFound()
        if not counselling.can_start(booking):
            raise ConsultationError(
                _("Only a confirmed booking can be started."), code="not_startable"
            )
        consultation = Consultation.objects.filter(booking=booking).first()
        if consultation is None:
            consultation = Consultation.objects.create(
                organisation_id=user.organisation_id,
                counsellor=user,
                location_id=booking.appointment.location_id,
                channel=Channel.BOOKED,
                booking=booking,
                client=_new_client(user.organisation_id),
                planned_start=booking.start,
                language=booking.language,
                interpreter=InterpreterKind.NONE,
            )
            consultation.topics.set(booking.topics.all())
        if consultation.status in (ConsultationStatus.PLANNED, ConsultationStatus.NO_SHOW):
            consultation.status = ConsultationStatus.IN_PROGRESS
            consultation.started_at = now
            consultation.save(update_fields=["status", "started_at", "updated_at"])
        counselling.mark_started(booking)
        _touch_client(consultation, now)
    return consultation


def mark_booking_no_show(user, booking_id) -> None:
    """The client did not come. Only before the consultation started."""
    _check_may_document(user)
    with transaction.atomic():
        booking = counselling.lock_for_organisation(booking_id, user.organisation_id)
        if booking is None:
            raise NotFound()
        if not counselling.can_mark_no_show(booking):
            raise ConsultationError(
                _("Only a booked consultation that has not started can be a no-show."),
                code="not_no_show",
            )
        counselling.mark_no_show(booking)


def start_planned(user, pk, now=None) -> Consultation:
    """Starts a planned follow-up consultation."""
    _check_may_document(user)
    now = now or timezone.now()
    with transaction.atomic():
        consultation = get_for(user, pk, lock=True)
        if consultation.status not in (ConsultationStatus.PLANNED, ConsultationStatus.NO_SHOW):
            raise ConsultationError(
                _("This consultation has already started."), code="already_started"
            )
        consultation.status = ConsultationStatus.IN_PROGRESS
        consultation.started_at = now
        consultation.save(update_fields=["status", "started_at", "updated_at"])
        _touch_client(consultation, now)
    return consultation


def mark_no_show(user, pk) -> Consultation:
    """A planned follow-up consultation the client did not come to."""
    _check_may_document(user)
    with transaction.atomic():
        consultation = get_for(user, pk, lock=True)
        if consultation.status != ConsultationStatus.PLANNED:
            raise ConsultationError(
                _("Only a planned consultation can be a no-show."), code="not_no_show"
            )
        consultation.status = ConsultationStatus.NO_SHOW
        consultation.save(update_fields=["status", "updated_at"])
    return consultation


def finish(user, pk, now=None) -> Consultation:
    """Ends the consultation. Documenting stays possible for ``CONSULTATION_EDIT_DAYS``."""
    _check_may_document(user)
    now = now or timezone.now()
    with transaction.atomic():
        consultation = get_for(user, pk, lock=True)
        if consultation.status != ConsultationStatus.IN_PROGRESS:
            raise ConsultationError(
                _("Only a consultation in progress can be finished."), code="not_in_progress"
            )
        if not consultation.topics.exists():
            raise ConsultationError(
                _("Choose at least one topic before finishing."), code="no_topic", field="topics"
            )
        consultation.status = ConsultationStatus.FINISHED
        consultation.ended_at = now
        consultation.finished_at = now
        consultation.save(update_fields=["status", "ended_at", "finished_at", "updated_at"])
        if consultation.booking_id:
            counselling.mark_completed(consultation.booking_id)
        _touch_client(consultation, now)
    return consultation


@dataclass
class Documentation:
    """What the counsellor writes down about a consultation."""

    topics: list
    language: object
    interpreter: str
    duration_minutes: int | None
    outcome_information: bool
    outcome_form_filled: bool
    outcome_referral: bool
    outcome_follow_up: bool
    referrals: list
    note: str
    client_name: str = ""
    client_contact: str = ""
    consent_given: bool = False


def document(user, pk, data: Documentation, now=None) -> Consultation:
    """Saves the documentation. Refused (nothing changed): a record of another organisation
    (``NotFound``), a locked record, a record without any topic, an identity without
    consent."""
    _check_may_document(user)
    now = now or timezone.now()
    if not data.topics:
        raise ConsultationError(
            _("Choose at least one topic that was addressed."), code="no_topic", field="topics"
        )
    if (data.client_name or data.client_contact) and not data.consent_given:
        raise ConsultationError(
            _("A name or contact may only be kept with the client's consent."),
            code="no_consent",
            field="consent_given",
        )
    with transaction.atomic():
        consultation = get_for(user, pk, lock=True)
        if consultation.is_locked(now):
            raise ConsultationError(
                _("This record was finished too long ago and can no longer be changed."),
                code="locked",
            )
        if consultation.status in (ConsultationStatus.PLANNED, ConsultationStatus.CANCELLED):
            raise ConsultationError(
                _("Start the consultation before documenting it."), code="not_started"
            )
        consultation.language = data.language
        consultation.interpreter = data.interpreter
        consultation.outcome_information = data.outcome_information
        consultation.outcome_form_filled = data.outcome_form_filled
        consultation.outcome_referral = data.outcome_referral or bool(data.referrals)
        consultation.outcome_follow_up = data.outcome_follow_up
        consultation.note = data.note
        consultation.documented_at = now
        if data.duration_minutes is not None and consultation.started_at:
            consultation.ended_at = consultation.started_at + timezone.timedelta(
                minutes=data.duration_minutes
            )
        consultation.save()
        consultation.topics.set(data.topics)
        consultation.referrals.set(data.referrals)
        if consultation.client_id is None:
            consultation.client = _new_client(consultation.organisation_id)
            consultation.save(update_fields=["client", "updated_at"])
        client = consultation.client
        if data.consent_given and (data.client_name or data.client_contact):
            client.name = data.client_name
            client.contact = data.client_contact
            client.consent_recorded_at = now
            client.consent_recorded_by = user
            client.consent_text_version = CONSENT_TEXT_VERSION
            client.last_contact_at = now
            client.save()
    return consultation


def book_follow_up(user, pk, start: datetime, counsellor=None, now=None) -> Consultation:
    """A new planned consultation for the same person, in the future, with a counsellor of
    the same organisation."""
    _check_may_document(user)
    now = now or timezone.now()
    counsellor = counsellor or user
    if start <= now:
        raise ConsultationError(
            _("A follow-up consultation must be in the future."), code="in_past", field="start"
        )
    if counsellor.organisation_id != user.organisation_id or not policy.has_permission(
        counsellor, Permission.DOCUMENT_CONSULTATION
    ):
        raise ConsultationError(
            _("Choose a counsellor of your own organisation."),
            code="wrong_counsellor",
            field="counsellor",
        )
    with transaction.atomic():
        original = get_for(user, pk, lock=True)
        if original.client_id is None:
            original.client = _new_client(original.organisation_id)
            original.save(update_fields=["client", "updated_at"])
        follow_up = Consultation.objects.create(
            organisation_id=original.organisation_id,
            counsellor=counsellor,
            location_id=original.location_id,
            channel=Channel.FOLLOW_UP,
            client_id=original.client_id,
            follow_up_of=original,
            planned_start=start,
            language=original.language,
            interpreter=original.interpreter,
        )
        if not original.outcome_follow_up:
            original.outcome_follow_up = True
            original.save(update_fields=["outcome_follow_up", "updated_at"])
    return follow_up


def open_for_walk_in(ticket, counsellor, now=None) -> Consultation | None:
    """Receiver side of ``walk_in_consultation_started``: one record per ticket."""
    if counsellor is None or counsellor.organisation_id is None:
        return None
    if not policy.has_permission(counsellor, Permission.DOCUMENT_CONSULTATION):
        return None
    now = now or ticket.started_at or timezone.now()
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().filter(ticket=ticket).first()
        if consultation is not None:
            return consultation
        consultation = Consultation.objects.create(
            organisation_id=counsellor.organisation_id,
            counsellor=counsellor,
            location_id=ticket.location_id,
            channel=Channel.WALK_IN,
            ticket=ticket,
            client=_new_client(counsellor.organisation_id),
            planned_start=now,
            started_at=now,
            status=ConsultationStatus.IN_PROGRESS,
            language_id=ticket.language_id,
        )
        consultation.topics.set(ticket.topics.all())
    return consultation


def close_for_walk_in(ticket, counsellor, now=None) -> Consultation | None:
    """Receiver side of ``walk_in_consultation_finished``: ends the record (the
    documentation may follow)."""
    now = now or ticket.finished_at or timezone.now()
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().filter(ticket=ticket).first()
        if consultation is None:
            consultation = open_for_walk_in(ticket, counsellor, now=ticket.started_at)
            if consultation is None:
                return None
        if consultation.status == ConsultationStatus.IN_PROGRESS:
            consultation.status = ConsultationStatus.FINISHED
            consultation.ended_at = now
            consultation.finished_at = now
            consultation.save(update_fields=["status", "ended_at", "finished_at", "updated_at"])
            _touch_client(consultation, now)
    return consultation
