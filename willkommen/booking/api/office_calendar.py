"""The clerk's calendar in JSON, under ``/api/v1/office-calendar`` (session-authenticated
staff with ``VIEW_OFFICE_CALENDAR``, CSRF checked): record arrival, no-show or completion
through the same service as the page (``office_calendar.set_status``), with the same rules:
arrival statuses only within the arrival window (``OFFICE_ARRIVAL_DAYS_BACK``), the status
the clerk saw must still be current.

Secrecy: like the page, nothing here reads a consultation; a no-show's answer is the same
with or without one (the consultation is freed in the background)."""

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from willkommen.accounts.policy import Permission, has_permission
from willkommen.api_errors import ErrorOut
from willkommen.organisations.models import Location

from .. import office_calendar
from ..models import Appointment

router = Router(tags=["office calendar (clerks)"], auth=django_auth)


class StatusIn(Schema):
    status: str = Field(..., description="arrived, no_show or completed")
    expected_status: str = Field(
        ..., description="the status the clerk saw; refused (409) if it changed meanwhile"
    )


class StatusOut(Schema):
    id: int
    code: str
    status: str


def _locations(user):
    locations = Location.objects.filter(is_active=True)
    own = locations.filter(office_id=user.organisation_id)
    return own if own.exists() else locations


@router.post(
    "office-calendar/appointments/{int:appointment_id}/status",
    response={200: StatusOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Clerks: record arrival, no-show or completion of an office appointment",
)
def set_status(request, appointment_id: int, payload: StatusIn):
    """Arrival and no-show only on the appointment's day or up to
    ``OFFICE_ARRIVAL_DAYS_BACK`` days after it (422 ``outside_arrival_window``)."""
    if not has_permission(request.user, Permission.VIEW_OFFICE_CALENDAR):
        return Status(403, {"code": "forbidden", "detail": _("Your role may not do this.")})
    appointment = (
        Appointment.objects.for_office_calendar()
        .filter(pk=appointment_id, location__in=_locations(request.user))
        .first()
    )
    if appointment is None:
        return Status(404, {"code": "not_found", "detail": _("This appointment does not exist.")})
    try:
        appointment = office_calendar.set_status(
            appointment.pk,
            expected_status=payload.expected_status,
            new_status=payload.status,
            location=appointment.location,
        )
    except office_calendar.StaleStatus as stale:
        return Status(
            409,
            {
                "code": "stale_status",
                "detail": _(
                    "This appointment was changed meanwhile; its status is now “%(status)s”."
                )
                % {"status": stale.current_status},
            },
        )
    except office_calendar.TransitionNotAllowed as refused:
        return Status(422, {"code": refused.code, "detail": str(refused)})
    return Status(
        200, {"id": appointment.pk, "code": appointment.code, "status": appointment.status}
    )
