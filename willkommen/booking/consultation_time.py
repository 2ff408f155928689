"""The add-on consultation as the client sees it: the time the public answer offers around
the office appointment (``scheduling.duty``, from duty alone) and the row that records it.

A booked consultation always gets the offered time; which counsellor holds it is decided
afterwards and privately (``assignment``), so that nothing the client, the public or the
office can see depends on other people's consultations (docs/security.md, "Public
consultation answers")."""

from django.utils import timezone

from willkommen.scheduling.duty import consultation_options

from . import assignment
from .errors import (
    ConsultationUnavailable,
)
from .inputs import (
    ConsultationRequest,
    check_consultation_request,
    duty_kwargs,
    interpreter_language,
)
from .models import (
    Appointment,
    ConsultationBooking,
)

# The reverse one-to-one from an appointment to its consultation: its cache is filled once
# a booking knows whether it has one.
CONSULTATION_FIELD = Appointment._meta.get_field("consultation")


def offered_consultation(location, start, end, consultation, now, at=None):
    """The consultation time the public answer offers around [start, end) (the preferred
    side, or the one starting ``at``); ConsultationUnavailable when none is offered. Only
    configuration decides this, never other bookings (``DutyIndex``)."""
    options = consultation_options(location, start, end, now=now, **duty_kwargs(consultation))
    if at is not None:
        options = [option for option in options if option.start == at]
    if not options:
        raise ConsultationUnavailable()
    return options[0]


def offered_consultation_or_none(location, start, end, consultation, now=None):
    """The consultation time offered around [start, end), or None."""
    try:
        return offered_consultation(location, start, end, consultation, now or timezone.now())
    except ConsultationUnavailable:
        return None


def unsaved_consultation(
    appointment, option, language, interpreter, status, confirmed_at=None
) -> ConsultationBooking:
    """The consultation at ``option``'s time, not yet saved and without a counsellor:
    ``new_consultation`` saves it and gives it one; a draw writes many in bulk."""
    return ConsultationBooking(
        confirmed_at=confirmed_at,
        appointment=appointment,
        counsellor=None,
        start=option.start,
        end=option.end,
        position=option.position,
        language=language or interpreter_language(),
        interpreter=interpreter,
        status=status,
    )


def new_consultation(
    appointment, option, language, topics, interpreter, status, now, confirmed_at=None
):
    """Writes the consultation at the offered time, then gives it to a free counsellor if
    there is one (``assignment``); without one it still stands, as promised."""
    consultation = unsaved_consultation(
        appointment, option, language, interpreter, status, confirmed_at
    )
    consultation.save(force_insert=True)
    if topics:
        consultation.topics.set(topics)
    consultation.appointment = appointment
    assignment.assign(consultation, now)
    return consultation


def language_of(consultation: ConsultationRequest):
    """The Language a consultation request stands for (German without a choice)."""
    language, _topics = check_consultation_request(consultation)
    return language or interpreter_language()


def place_again(consultation, appointment, option, now):
    """Moves a consultation to ``option``'s time and gives it a counsellor again (the same
    one if still free then, else the best free one, else none)."""
    assignment.unassign(consultation)
    consultation.start, consultation.end = option.start, option.end
    consultation.position = option.position
    consultation.save(update_fields=["start", "end", "position"])
    consultation.appointment = appointment
    assignment.assign(consultation, now)
    return consultation


def consultation_is_known(appointment) -> bool:
    """Whether ``appointment.consultation`` is answered from memory (a booking just placed
    it, or found there is none), so reading it costs no query."""
    return CONSULTATION_FIELD.is_cached(appointment)


def consultation_of(appointment):
    """The appointment's consultation (the cached instance when there is one), or None."""
    try:
        return appointment.consultation
    except ConsultationBooking.DoesNotExist:
        return None
