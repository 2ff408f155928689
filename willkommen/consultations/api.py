"""JSON API of the consultation records, mounted under /api/v1/consultations.

Session authentication (the staff UI's login) plus the enforced second factor; the policy
module decides per organisation. A record of another organisation answers 404 exactly as a
missing one, and the attempt is audited. Refused roles get 403 whether or not the record
exists, so the office clerk cannot learn that somebody was counselled.
"""

from datetime import datetime, time, timedelta

from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from willkommen.accounts import policy
from willkommen.accounts.policy import Permission
from willkommen.accounts.second_factor import needs_second_factor
from willkommen.clock import local_datetime
from willkommen.inputs import ApiDate

from . import audit, services
from .models import AuditAction, Consultation
from .twofactor import audit_denied

router = Router(tags=["consultations"], auth=django_auth)


class ConsultationOut(Schema):
    id: int
    organisation: str
    counsellor: str
    channel: str
    status: str
    planned_start: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    language: str | None
    interpreter: str
    topics: list[str]
    outcomes: list[str]
    referrals: list[int]
    client_pseudonym: str | None
    note: str


def _out(consultation) -> dict:
    return {
        "id": consultation.pk,
        "organisation": consultation.organisation.short_name,
        "counsellor": consultation.counsellor.get_username(),
        "channel": consultation.channel,
        "status": consultation.status,
        "planned_start": consultation.planned_start,
        "started_at": consultation.started_at,
        "ended_at": consultation.ended_at,
        "language": consultation.language.code if consultation.language else None,
        "interpreter": consultation.interpreter,
        "topics": [topic.slug for topic in consultation.topics.all()],
        "outcomes": [
            name
            for name in (
                "outcome_information",
                "outcome_form_filled",
                "outcome_referral",
                "outcome_follow_up",
            )
            if getattr(consultation, name)
        ],
        "referrals": list(consultation.referrals.values_list("pk", flat=True)),
        "client_pseudonym": consultation.client.pseudonym if consultation.client else None,
        "note": consultation.note,
    }


def _guard(request, object_id=None):
    user = request.user
    if not policy.has_permission(user, Permission.VIEW_OWN_CONSULTATIONS):
        audit_denied(request, "consultation" if object_id else "consultation_list", object_id)
        raise HttpError(403, str(_("Your role may not do this.")))
    if needs_second_factor(user) and not user.is_verified():
        raise HttpError(
            403,
            str(
                _("Confirm your second factor first: %(url)s")
                % {"url": "/staff/consultations/second-factor/"}
            ),
        )


@router.get(
    "consultations",
    response=list[ConsultationOut],
    summary="Consultation records of my organisation (case content, audited)",
)
def list_consultations(request, day: ApiDate | None = None):
    """``day`` (YYYY-MM-DD, local date) limits the list to consultations planned or held
    on that day."""
    _guard(request)
    records = (
        Consultation.objects.readable_by(request.user)
        .select_related("organisation", "counsellor", "language", "client")
        .prefetch_related("topics")
    )
    if not policy.has_permission(request.user, Permission.VIEW_ORGANISATION_CONSULTATIONS):
        records = records.filter(counsellor=request.user)
    if day is not None:
        start = local_datetime(day, time(0, 0))
        records = records.filter(
            planned_start__gte=start, planned_start__lt=start + timedelta(days=1)
        )
    records = list(records[:200])
    audit.record(
        request,
        AuditAction.READ,
        object_type="consultation_list",
        organisation_id=request.user.organisation_id,
        detail=f"api list ({len(records)})",
    )
    return [_out(record) for record in records]


@router.get(
    "consultations/{consultation_id}",
    response=ConsultationOut,
    summary="One consultation record (case content, audited)",
)
def get_consultation(request, consultation_id: int):
    _guard(request, consultation_id)
    try:
        consultation = services.get_for(request.user, consultation_id)
    except services.NotFound:
        audit_denied(request, "consultation", consultation_id)
        raise HttpError(404, str(_("This object does not exist."))) from None
    audit.record(request, AuditAction.READ, consultation, detail="api")
    return _out(consultation)
