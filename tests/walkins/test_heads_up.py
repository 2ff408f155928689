"""Walk-in heads-up: with consent, one SMS or e-mail when at most two tickets of the same
language are ahead; in the person's language; sent once (the contact is deleted with the
sending, under a row lock); the contact never outlives the ticket (housekeeping and the
retention run)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from willkommen.booking.sms import MemoryBackend
from willkommen.consultations.retention import apply_retention
from willkommen.walkins import heads_up, services, tasks
from willkommen.walkins.models import Ticket, TicketContact, TicketStatus

from .test_pages import on_duty_now  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

PHONE = "+4915112345678"


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.SMS_BACKEND = "willkommen.booking.sms.MemoryBackend"
    MemoryBackend.outbox = []
    return MemoryBackend.outbox


def queue_of(area, count, language="fa"):
    return [
        services.register_walk_in(area.location, area.languages[language], [], None, area.outreach)
        for _ in range(count)
    ]


def test_intake_keeps_a_contact_only_with_consent(client, area):
    client.force_login(area.outreach)
    url = reverse("walkins_staff:intake") + f"?location={area.location.pk}"
    refused = client.post(url, {"language": "fa", "heads_up_contact": PHONE})
    assert refused.status_code == 200 and "consent" in refused.content.decode()
    assert not Ticket.objects.exists()
    wrong = client.post(
        url, {"language": "fa", "heads_up_contact": "12", "heads_up_consent": "on"}
    )
    assert wrong.status_code == 200 and not Ticket.objects.exists()
    client.post(
        url, {"language": "fa", "heads_up_contact": "0151 12345678", "heads_up_consent": "on"}
    )
    contact = TicketContact.objects.get()
    assert contact.phone == PHONE and contact.email == "" and contact.language == "fa"
    client.post(url, {"language": "ar"})  # no contact: nothing stored
    assert TicketContact.objects.count() == 1
    # The public ticket page never shows it.
    ticket = contact.ticket
    page = client.get(reverse("walkins:ticket", kwargs={"token": ticket.public_token}))
    assert "12345678" not in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_heads_up_when_two_are_ahead_once_in_the_persons_language(
    area,
    on_duty_now,  # noqa: F811
    sms_outbox,
):
    """Real commits: the check is queued with the transaction that moved the queue."""
    first, second, third, fourth = queue_of(area, 4)
    heads_up.remember(fourth, phone=PHONE)
    assert sms_outbox == []  # three ahead: not yet
    services.call_ticket(first, on_duty_now)
    [(to, text)] = sms_outbox
    assert to == PHONE
    assert "\u2066A-004\u2069" in text  # Persian text, the number isolated
    assert "/ticket/" in text.splitlines()[-1] and "lang=fa" in text
    assert not TicketContact.objects.exists()  # deleted with the sending
    services.call_ticket(second, on_duty_now)
    assert heads_up.check_all() == 0 and len(sms_outbox) == 1


def test_e_mail_heads_up_and_a_short_queue_is_due_at_once(
    area, django_capture_on_commit_callbacks
):
    [ticket] = queue_of(area, 1, language="ar")
    with django_capture_on_commit_callbacks(execute=True):
        heads_up.remember(ticket, email="amal@example.org")
    [message] = mail.outbox
    assert message.to == ["amal@example.org"] and "A-001" in message.subject
    assert "http" in message.body and "lang=ar" in message.body


def test_other_languages_do_not_count_as_ahead(area):
    queue_of(area, 3, language="ar")
    [farsi] = queue_of(area, 1, language="fa")
    heads_up.remember(farsi, phone=PHONE)
    day = farsi.service_day
    assert [c.ticket_id for c in heads_up.due_contacts(area.location.pk, day)] == [farsi.pk]


def test_control_without_deleting_the_contact_a_second_check_sends_again(
    area, sms_outbox, monkeypatch
):
    [ticket] = queue_of(area, 1)
    contact = TicketContact.objects.create(
        ticket=ticket, phone=PHONE, language="fa", consent_at=ticket.created_at
    )
    assert heads_up.notify(contact.pk) == 1 and heads_up.notify(contact.pk) == 0
    assert len(sms_outbox) == 1
    contact = TicketContact.objects.create(
        ticket=ticket, phone=PHONE, language="fa", consent_at=ticket.created_at
    )
    monkeypatch.setattr(TicketContact, "delete", lambda self: None)
    heads_up.notify(contact.pk)
    heads_up.notify(contact.pk)
    assert len(sms_outbox) == 3  # the guard switched off: the same person twice


def test_contacts_do_not_outlive_their_ticket(area, on_duty_now):  # noqa: F811
    waiting, left, called = queue_of(area, 3)
    for ticket in (waiting, left, called):
        TicketContact.objects.create(
            ticket=ticket, phone=PHONE, language="fa", consent_at=ticket.created_at
        )
    services.mark_left(left, area.outreach)
    services.call_ticket(called, on_duty_now)
    assert set(TicketContact.objects.values_list("ticket_id", flat=True)) == {waiting.pk}
    # Housekeeping and retention: a ticket of an earlier day is forgotten too.
    Ticket.objects.filter(pk=waiting.pk).update(service_day=waiting.service_day - timedelta(1))
    dry = apply_retention(dry_run=True)
    assert dry.counts["walk-in heads-up contacts"] == 1 and TicketContact.objects.exists()
    apply_retention()
    assert not TicketContact.objects.exists()


def test_housekeeping_forgets_closed_tickets_contacts(area):
    [ticket] = queue_of(area, 1)
    TicketContact.objects.create(
        ticket=ticket, phone=PHONE, language="fa", consent_at=ticket.created_at
    )
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.DONE)  # closed elsewhere
    result = tasks.apply_office_appointment_holds.call()
    assert result["heads_up_contacts_deleted"] == 1 and not TicketContact.objects.exists()
