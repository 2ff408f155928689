"""Every table falls under a retention rule or says why it cannot link a person to
counselling: a new model in neither list fails here."""

from types import SimpleNamespace

from django.apps import apps
from django.db import models

from willkommen.consultations.retention import covered_models
from willkommen.consultations.retention_scope import NOT_LINKING

# What counselling is recorded in; a table pointing at one of these is a link.
COUNSELLING_MODELS = {
    "booking.Appointment",
    "booking.ConsultationBooking",
    "consultations.ClientRecord",
    "consultations.Consultation",
    "walkins.Ticket",
}
# The tables found holding such links when the rules were written (issue #19).
KNOWN_LINKS = COUNSELLING_MODELS | {
    "booking.IdempotencyRecord",
    "django_tasks_database.DBTaskResult",
    "sessions.Session",
    "statistics.AppointmentFact",
}


def unclassified(all_models):
    classified = covered_models() | set(NOT_LINKING)
    return sorted(model._meta.label for model in all_models if model._meta.label not in classified)


def test_every_model_is_covered_by_a_rule_or_explained():
    assert unclassified(apps.get_models()) == []


def test_control_a_new_model_without_a_rule_fails():
    newcomer = SimpleNamespace(_meta=SimpleNamespace(label="consultations.Attachment"))
    assert unclassified([*apps.get_models(), newcomer]) == ["consultations.Attachment"]


def test_no_model_is_both_covered_and_explained_away_and_none_is_made_up():
    assert covered_models() & set(NOT_LINKING) == set()
    labels = {model._meta.label for model in apps.get_models()}
    assert (covered_models() | set(NOT_LINKING)) - labels == set()
    assert all(reason.strip() for reason in NOT_LINKING.values())


def test_every_table_pointing_at_counselling_is_covered():
    for model in apps.get_models():
        targets = {
            field.related_model._meta.label
            for field in model._meta.get_fields()
            if isinstance(field, models.ForeignKey | models.OneToOneField | models.ManyToManyField)
            and not field.auto_created
        }
        if targets & COUNSELLING_MODELS:
            assert model._meta.label in covered_models(), model._meta.label
    assert KNOWN_LINKS <= covered_models()
