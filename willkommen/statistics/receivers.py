"""Keep the fact tables current when the source apps save their records.

Receivers only pass the primary key on; ``facts.py`` decides what is counted. They are
connected lazily by model label so that the statistics app works even if a source app is
not installed (e.g. in a trimmed test configuration).
"""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_save

from willkommen import outbox
from willkommen.release import signals as release_signals

from . import topics
from .tasks import refresh_fact


def _refresh_after_commit(kind, pk):
    """Queues one refresh of the record's fact per transaction, with that transaction
    (``willkommen.outbox``): a booking saves its appointment, its consultation and the
    topics, and each save would otherwise queue the same task."""
    outbox.enqueue(refresh_fact, kind, pk, dedupe_key=("fact", kind, pk))


def consultation_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _refresh_after_commit("consultation", instance.pk)


def consultation_topics_changed(sender, instance, action, reverse=False, **kwargs):
    if action.startswith("post_") and not reverse:
        _refresh_after_commit("consultation", instance.pk)


def appointment_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _refresh_after_commit("appointment", instance.pk)


def consultation_booking_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _refresh_after_commit("appointment", instance.appointment_id)


def ticket_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _refresh_after_commit("ticket", instance.pk)


def ticket_topics_changed(sender, instance, action, reverse=False, **kwargs):
    if action.startswith("post_") and not reverse:
        _refresh_after_commit("ticket", instance.pk)


def release_round_drawn(sender, release_round, **kwargs):
    _refresh_after_commit("release_round", release_round.pk)


def _model(label):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def connect():
    release_signals.round_drawn.connect(release_round_drawn, dispatch_uid="stat_release_round")
    topic = _model("organisations.Topic")
    post_save.connect(topics.forget_topic_bits, sender=topic, dispatch_uid="stat_topic_bits")
    consultation = _model("consultations.Consultation")
    if consultation is not None:
        post_save.connect(consultation_saved, sender=consultation, dispatch_uid="stat_consult")
        m2m_changed.connect(
            consultation_topics_changed,
            sender=consultation.topics.through,
            dispatch_uid="stat_consult_topics",
        )
    appointment = _model("booking.Appointment")
    if appointment is not None:
        post_save.connect(appointment_saved, sender=appointment, dispatch_uid="stat_appt")
    booking = _model("booking.ConsultationBooking")
    if booking is not None:
        post_save.connect(consultation_booking_saved, sender=booking, dispatch_uid="stat_cbook")
    ticket = _model("walkins.Ticket")
    if ticket is not None:
        post_save.connect(ticket_saved, sender=ticket, dispatch_uid="stat_ticket")
        m2m_changed.connect(
            ticket_topics_changed, sender=ticket.topics.through, dispatch_uid="stat_ticket_topics"
        )
