"""The fact feed: generated activity becomes facts; facts survive source deletion."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command

from willkommen.statistics import activity
from willkommen.statistics.models import AppointmentFact, ConsultationFact, WalkInFact

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_base(db):
    call_command("seed_demo", stdout=io.StringIO())


def test_generated_activity_becomes_facts_and_survives_deletion(demo_base):
    from willkommen.consultations.models import Consultation

    assert activity.already_generated()  # seed_demo ran the statistics seed
    held = Consultation.objects.filter(status="finished").count()
    assert ConsultationFact.objects.filter(status="held", source_id__isnull=False).count() >= held
    assert AppointmentFact.objects.exists() and WalkInFact.objects.exists()
    # Seeding again generates no second year.
    appointments = AppointmentFact.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert AppointmentFact.objects.count() == appointments
    before = ConsultationFact.objects.count()
    # Retention deletes source records; the facts stay, also through a rebuild.
    Consultation.objects.filter(status="finished").delete()
    call_command("rebuild_statistics", "--staffed-days", "10", stdout=io.StringIO())
    assert ConsultationFact.objects.count() == before


def test_fact_follows_a_saved_consultation(demo_base):
    from willkommen.consultations.models import Consultation

    consultation = Consultation.objects.filter(status="finished").order_by("pk").first()
    assert ConsultationFact.objects.get(source_id=consultation.pk).status == "held"
    consultation.status = "cancelled"
    consultation.save()
    assert not ConsultationFact.objects.filter(source_id=consultation.pk).exists()
    consultation.status = "finished"
    consultation.save()
    bits = list(consultation.topics.values_list("statistics_bit", flat=True))
    fact = ConsultationFact.objects.get(source_id=consultation.pk)
    assert bits and all(fact.topic_mask & (1 << bit) for bit in bits)


@pytest.mark.parametrize("granularity", ["day", "week", "month"])
def test_rollup_and_fact_scan_give_the_same_figures(demo_base, granularity):
    from django.utils import timezone

    from willkommen.organisations.models import Topic
    from willkommen.statistics import queries

    today = timezone.localdate()
    filters = queries.Filters(today - timedelta(days=364), today, granularity=granularity)
    topic_ids = list(Topic.objects.values_list("pk", flat=True))
    from_facts = queries.consultation_counts(filters, topic_ids)
    from_rollup = queries.consultation_counts_from_rollup(filters, topic_ids)
    assert from_facts.total > 100
    assert from_rollup == from_facts
    assert queries.walk_in_figures_from_rollup(filters) == queries.walk_in_figures(filters)
    assert queries.appointment_figures_from_rollup(filters) == queries.appointment_figures(filters)


def test_facts_follow_tickets_and_appointments(demo_base):
    from willkommen.booking.models import Appointment
    from willkommen.walkins.models import Ticket

    ticket = Ticket.objects.filter(status="done").order_by("pk").first()
    ticket.status = "left"
    ticket.save()
    assert WalkInFact.objects.get(source_id=ticket.pk).left_without_consultation
    appointment = Appointment.objects.filter(status="completed").order_by("pk").first()
    appointment.status = "no_show"
    appointment.save()
    assert AppointmentFact.objects.get(source_id=appointment.pk).status == "no_show"


def test_the_feed_never_reads_personal_columns(demo_base):
    """Privacy: building facts selects no note, client, name, e-mail or phone column."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from willkommen.consultations.models import Consultation
    from willkommen.statistics import facts

    consultation = Consultation.objects.filter(status="finished").order_by("pk").first()
    with CaptureQueriesContext(connection) as captured:
        facts.refresh_consultation(consultation.pk)
        facts.rebuild_consultations()
        facts.rebuild_appointments()
        facts.rebuild_walk_ins()
    selects = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]
    assert selects
    for forbidden in ('."note"', '."client_id"', '."name"', '."email"', '."phone"'):
        assert not [sql for sql in selects if forbidden in sql], forbidden


def test_control_the_privacy_check_would_see_a_note(demo_base, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from willkommen.consultations.models import Consultation
    from willkommen.statistics import facts

    consultation = Consultation.objects.filter(status="finished").order_by("pk").first()
    monkeypatch.setattr(facts, "CONSULTATION_COLUMNS", (*facts.CONSULTATION_COLUMNS, "note"))
    with CaptureQueriesContext(connection) as captured:
        facts.refresh_consultation(consultation.pk)
    assert any('."note"' in q["sql"] for q in captured.captured_queries)


@pytest.mark.django_db
def test_topic_bits_are_small_and_stable_whatever_the_ids():
    """Counting by topic must not depend on how large the database's ids have grown."""
    from willkommen.organisations.models import Topic
    from willkommen.statistics.facts import topic_mask

    first = Topic.objects.create(slug="first", name="First")
    far = Topic(slug="far", name="Far", pk=10_000)
    far.save()
    assert far.statistics_bit == first.statistics_bit + 1 <= Topic.MAX_STATISTICS_BIT
    assert topic_mask([far.pk]) == 1 << far.statistics_bit
