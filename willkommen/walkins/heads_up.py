"""Walk-in heads-up: a short message when a ticket is near the front of its queue, so that
people can wait outside a crowded waiting room and come back in time.

Optional and only with consent: at intake the outreach worker may note a mobile number or
an e-mail address (``remember``). The queue asks for a check whenever it moves (a call, a
ticket closed or put on hold) and the housekeeping task every minute (``check_location``
through the task queue). A ticket with at most ``WALKINS_HEADS_UP_AHEAD`` tickets of its
language ahead of it gets one message in its person's language; the contact is deleted in
the same transaction, so a second check finds nothing to send (idempotent, also when two
workers run the check at once: the row is locked). Contacts of tickets that were called,
closed or left behind on an earlier day are deleted by ``forget_contacts`` (every minute)
and, at the latest, by the retention run.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from willkommen import clock, outbox
from willkommen.bidi import isolate_text
from willkommen.booking.sms import send_sms

from .models import CLOSED_STATUSES, Ticket, TicketContact, TicketStatus

# UI language of the public ticket page for a client language that is not a UI language.
UI_LANGUAGE_FALLBACKS = {"prs": "fa", "ps": "fa", "ckb": "ar"}


def ui_language_for(language_code):
    supported = {code for code, _name in settings.LANGUAGES}
    if language_code in supported:
        return language_code
    return UI_LANGUAGE_FALLBACKS.get(language_code, "en")


def ahead_limit() -> int:
    return getattr(settings, "WALKINS_HEADS_UP_AHEAD", 2)


def ticket_url(ticket, language) -> str:
    path = reverse("walkins:ticket", kwargs={"token": ticket.public_token})
    return f"{settings.WILLKOMMEN_PUBLIC_URL}{path}?lang={language}"


def remember(ticket, *, email="", phone="", now=None) -> TicketContact | None:
    """Stores the contact given with consent (nothing without one) and asks for a check:
    a ticket registered when the queue is short is due at once."""
    if not (email or phone):
        return None
    contact = TicketContact.objects.create(
        ticket=ticket,
        email=email,
        phone=phone,
        language=ui_language_for(ticket.language.code),
        consent_at=now or timezone.now(),
    )
    request_check(ticket.location_id)
    return contact


def request_check(location_id) -> None:
    """Queues one check of the location's heads-ups with the current transaction."""
    outbox.enqueue(check_location, location_id, dedupe_key=f"walkins-heads-up-{location_id}")


def queue_moved(ticket) -> None:
    """Called by the queue's services when ``ticket`` left the waiting line (called,
    closed, on hold): its own contact is no longer needed, the others move up."""
    if ticket.status != TicketStatus.ON_HOLD:
        TicketContact.objects.filter(ticket_id=ticket.pk).delete()
    if TicketContact.objects.filter(ticket__location_id=ticket.location_id).exists():
        request_check(ticket.location_id)


def due_contacts(location_id, day) -> list[TicketContact]:
    """Contacts of waiting tickets with at most ``ahead_limit()`` tickets of the same
    language ahead of them (tickets on hold keep their place but wait for nobody)."""
    waiting = (
        Ticket.objects.filter(
            location_id=location_id, service_day=day, status=TicketStatus.WAITING
        )
        .order_by("queue_position_key", "pk")
        .values_list("pk", "language_id")
    )
    ahead_by_language, due = {}, []
    for pk, language_id in waiting:
        ahead = ahead_by_language.get(language_id, 0)
        if ahead <= ahead_limit():
            due.append(pk)
        ahead_by_language[language_id] = ahead + 1
    return list(TicketContact.objects.filter(ticket_id__in=due))


@task()
def check_location(location_id):
    """Sends every heads-up that is due at the location; returns how many were sent."""
    day = clock.today()
    return sum(notify(contact.pk) for contact in due_contacts(location_id, day))


def notify(contact_id) -> int:
    """Sends the heads-up of one contact and deletes the contact, under a row lock: sent
    once, however many checks run. A failed send rolls back and is retried by the next
    check."""
    with transaction.atomic():
        contact = (
            TicketContact.objects.select_for_update()
            .select_related("ticket", "ticket__language")
            .filter(pk=contact_id)
            .first()
        )
        if contact is None or contact.ticket.status != TicketStatus.WAITING:
            return 0
        _send(contact)
        contact.delete()
    return 1


def _send(contact):
    ticket = contact.ticket
    with translation.override(contact.language):
        number = isolate_text(ticket.number)
        url = ticket_url(ticket, contact.language)
        if contact.email:
            context = {"number": ticket.number, "url": url}
            context["operator_name"] = settings.WILLKOMMEN_OPERATOR_NAME
            send_mail(
                _("Your turn is coming soon: ticket %(number)s") % {"number": number},
                render_to_string("walkins/heads_up_email.txt", context),
                None,
                [contact.email],
            )
        if contact.phone:
            text = _(
                "Ticket %(number)s: your turn is coming soon. Please come back to the "
                "waiting area."
            ) % {"number": number}
            send_sms(contact.phone, f"{text}\n{url}")


def stale_contacts(now=None):
    """Contacts no longer needed: their ticket is closed or belongs to an earlier day."""
    today = clock.today(now)
    return TicketContact.objects.filter(
        Q(ticket__status__in=CLOSED_STATUSES) | Q(ticket__service_day__lt=today)
    )


def forget_contacts(now=None) -> int:
    deleted, _per_model = stale_contacts(now).delete()
    return deleted


def check_all(now=None) -> int:
    """The periodic check of every location that has a contact waiting."""
    locations = set(
        TicketContact.objects.filter(ticket__status=TicketStatus.WAITING).values_list(
            "ticket__location_id", flat=True
        )
    )
    return sum(check_location.call(location_id) for location_id in locations)
