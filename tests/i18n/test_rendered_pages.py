"""Render check: every page, message and calendar file a client sees, rendered in Arabic
with the demo data, shows no Latin-script word that is not a name, an address, a code or a
link. Under ``pseudo.py`` every marked string comes out in Cyrillic (translated or not),
so what remains in Latin never went through gettext: an unmarked string in a template or
in Python, or untranslated data. Each test collects all findings of its pages and reports
them together."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.core import mail
from django.template import engines
from django.test import Client, RequestFactory
from django.urls import reverse
from icalendar import Calendar

from willkommen.accounts.models import Role, StaffMember
from willkommen.booking import link_session, notifications
from willkommen.booking.channels import EMAIL, SMS
from willkommen.booking.sms import MemoryBackend
from willkommen.booking.tokens import make_confirm_token
from willkommen.directory.models import Offer
from willkommen.organisations.models import Desk, DeskKind, Location
from willkommen.pages import errors
from willkommen.walkins.models import Ticket, TicketStatus

from . import flow
from .pseudo import pseudo_translation
from .rendered import latin_tokens, problems, visible_texts

LANGUAGE = "ar"
pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, demo):
    """A client whose browser asks for Arabic (the choice is kept in the cookie)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = LANGUAGE
    return client


@pytest.fixture
def arabic():
    with pseudo_translation(LANGUAGE):
        yield


def with_lang(url):
    return flow.with_lang(url, LANGUAGE)


def page(client, url, status=200):
    return flow.get(client, url, LANGUAGE, status)


def check(found, label, html, allowed, **where):
    found += problems(label, visible_texts(html, LANGUAGE, **where), allowed)


def report(found):
    assert not found, "Latin text on client pages in Arabic (unmarked or untranslated):\n" + (
        "\n".join(found)
    )


# The check itself ----------------------------------------------------------------------


def test_control_an_unmarked_string_is_caught_and_a_marked_one_is_not(arabic):
    """The render check fails on a deliberately unmarked string, and only on that."""
    template = engines["django"].from_string(
        '{% load i18n %}<p>{% translate "Book now" %}</p><p>Book later</p>'
        '<button aria-label="Close the window">{% translate "Close" %}</button>'
        '<p lang="de">Leichte Sprache</p><script>var unmarked = "Script text";</script>'
        "<p>{% blocktranslate with code=code %}Booking code {{ code }}{% endblocktranslate %}"
        "</p>"
    )
    html = template.render({"code": "BKX7QZ"})
    found = problems("control", visible_texts(html, LANGUAGE), {"BKX7QZ"})
    assert found == [
        "control: Book, later in 'Book later'",
        "control: Close, the, window in 'Close the window'",
    ]


def test_pseudo_translation_leaves_no_latin_letter_but_keeps_placeholders(arabic):
    from django.utils.translation import gettext, ngettext, pgettext

    latin = re.compile(r"[A-Za-z]")
    assert not latin.search(gettext("Book an appointment"))
    text = gettext("A sentence with <a href='x'>a link</a> for %(name)s and %%")
    assert text == "А сентенце шитх <a href='x'>а линк</a> фор %(name)s анд %%"
    assert not latin.search(pgettext("some context", "Nobody translated this"))
    assert not latin.search(ngettext("%(n)s thing", "%(n)s things", 3) % {"n": 3})


# Public pages --------------------------------------------------------------------------


def test_public_pages(client, arabic, allowed_words):
    found = []
    location = Location.objects.get()
    translated_offer = Offer.objects.filter(translations__language="ar").first()
    german_only_offer = Offer.objects.exclude(translations__language="ar").first()
    urls = [
        "/",
        reverse("booking:start"),
        reverse("booking:external"),
        reverse("booking:office_appointment"),
        reverse("directory:search"),
        reverse("directory:search") + "?q=Miete",
        reverse("directory:search") + "?q=zzzzzz",
        reverse("directory:detail", args=[translated_offer.pk]),
        reverse("walkins:display", args=[location.pk]) + "?i=2",
    ]
    urls += [reverse(f"pages:{name}") for name in ("imprint", "privacy", "accessibility")]
    urls.append(reverse("pages:sign_language"))
    for url in urls:
        check(found, url, page(client, url), allowed_words)
    # Deliberately German: an offer without an Arabic text is shown in German with a note
    # (lang="de" in the page, but a <title> cannot say so), and Leichte Sprache is German.
    url = reverse("directory:detail", args=[german_only_offer.pk])
    fallback = allowed_words | set(latin_tokens(german_only_offer.title))
    check(found, url, page(client, url), fallback)
    url = reverse("pages:easy_german")
    check(found, url, page(client, url), allowed_words | {"Leichte", "Sprache"})
    check(found, "404", page(client, "/no-such-page/", status=404), allowed_words)
    ticket = Ticket.objects.filter(status=TicketStatus.WAITING).first()
    room = Desk.objects.filter(kind=DeskKind.COUNSELLING_ROOM).first()
    url = reverse("walkins:ticket", args=[ticket.public_token])
    for status in TicketStatus.values:  # the ticket page says something else in each
        Ticket.objects.filter(pk=ticket.pk).update(status=status, room=room)
        html = page(client, url)
        assert f'data-status="{status}"' in html
        check(found, f"ticket page, {status}", html, allowed_words | {ticket.number})
    report(found)


def test_invalid_external_booking_form(client, arabic, allowed_words):
    found = []
    response = client.post(with_lang(reverse("booking:external")), {"email": "not an address"})
    html = response.content.decode()
    assert 'lang="ar"' in html and "kern-error" in html
    check(found, "external form with errors", html, allowed_words)
    response = client.post(with_lang(reverse("booking:office_appointment")), {"reference": "1"})
    html = response.content.decode()
    assert 'lang="ar"' in html and "kern-error" in html
    check(found, "office appointment form with errors", html, allowed_words)
    report(found)


def _request(path="/"):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_error_pages(client, arabic, allowed_words):
    found = []
    for view in (errors.bad_request, errors.permission_denied, errors.page_not_found):
        response = view(_request(), Exception("detail for developers"))
        check(found, view.__name__, response.content.decode(), allowed_words)
    response = errors.server_error(_request())
    check(found, "server_error", response.content.decode(), allowed_words)
    strict = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=LANGUAGE)
    response = strict.post(with_lang(reverse("booking:details")), {"name": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert 'class="site-header' in html, "the CSRF failure page is not the site's own"
    check(found, "CSRF failure", html, allowed_words)
    report(found)


# The booking flow ----------------------------------------------------------------------


def _book(client, found, allowed):
    """Walks the flow in Arabic, checking every page; returns the appointment, the URL of
    the confirmation page and the allowed words plus the booking code and the name."""
    pages = []
    appointment, done_url = flow.book(client, LANGUAGE, lambda *seen: pages.append(seen))
    allowed = allowed | {appointment.code, "Amal", "Haddad"}
    for label, html in pages:
        check(found, label, html, allowed)
    return appointment, done_url, allowed


def test_booking_flow(client, arabic, allowed_words):
    found = []
    appointment, done_url, allowed = _book(client, found, allowed_words)
    token_query = urlsplit(done_url).query
    manage = reverse("booking:manage", args=[appointment.code]) + "?" + token_query
    html = page(client, manage)
    check(found, "manage page", html, allowed)
    move = reverse("booking:move", args=[appointment.code]) + "?" + token_query
    html = page(client, move)
    check(found, "move page", html, allowed)
    day = flow.first(r"day=(\d{4}-\d\d-\d\d)", html, "day link")
    check(found, "move page, times", page(client, f"{move}&day={day}"), allowed)
    move_consultation = (
        reverse("booking:move_consultation", args=[appointment.code]) + "?" + token_query
    )
    check(found, "move consultation page", page(client, move_consultation), allowed)
    confirm = reverse("booking:confirm", args=[appointment.code])
    # The token moves into the session; the page answers at the clean address.
    assert client.get(f"{confirm}?token={make_confirm_token(appointment)}").status_code == 302
    check(found, "confirm page", page(client, confirm), allowed)
    invalid = reverse("booking:manage", args=[appointment.code]) + "?token=forged"
    check(found, "invalid link page", page(client, invalid, status=404), allowed)
    response = client.get(reverse("booking:calendar", args=[appointment.code]) + "?" + token_query)
    found += ics_problems("calendar file", response.content, allowed)
    cancel = reverse("booking:cancel", args=[appointment.code])
    token = link_session.remembered(client, appointment.code)
    question = client.post(with_lang(cancel), {"token": token, "part": "all"})
    assert question.status_code == 200
    check(found, "cancel question", question.content.decode(), allowed)
    response = client.post(with_lang(cancel), {"token": token, "part": "all", "confirmed": "1"})
    assert response.status_code == 302
    check(found, "manage page after cancelling", page(client, response["Location"]), allowed)
    report(found)


def ics_problems(label, content, allowed):
    found = []
    for event in Calendar.from_ical(content).walk("VEVENT"):
        for name in ("SUMMARY", "DESCRIPTION"):
            found += problems(f"{label} {name}", [str(event.get(name, ""))], allowed)
    return found


# Messages: e-mail, SMS, calendar attachments ------------------------------------------


def test_messages(client, arabic, allowed_words, settings):
    settings.SMS_BACKEND = "willkommen.booking.sms.MemoryBackend"
    settings.SMS_MAX_PER_PHONE_PER_HOUR = 50  # one of every kind to one number
    MemoryBackend.outbox.clear()
    found = []
    appointment, _done, allowed = _book(client, [], allowed_words)
    appointment.refresh_from_db()
    assert appointment.language == LANGUAGE
    appointment.phone = "+4915112345678"  # every kind by both channels
    appointment.save(update_fields=["phone"])
    mail.outbox.clear()
    confirm_url = notifications.confirm_url(appointment, make_confirm_token(appointment))
    for kind in notifications.SUBJECTS:
        notifications.send_booking_message(
            appointment, kind, via=(EMAIL, SMS), confirm_url=confirm_url
        )
    assert len(mail.outbox) == len(notifications.SUBJECTS)
    for kind, message in zip(notifications.SUBJECTS, mail.outbox, strict=True):
        found += problems(f"{kind} e-mail subject", [message.subject], allowed)
        found += problems(f"{kind} e-mail text", message.body.splitlines(), allowed)
        [(html, _type)] = message.alternatives
        check(found, f"{kind} e-mail HTML", html, allowed)
        for _name, content, _mimetype in message.attachments:
            found += ics_problems(f"{kind} e-mail .ics", content, allowed)
    assert len(MemoryBackend.outbox) == len(notifications.SUBJECTS)
    for kind, (_phone, text) in zip(notifications.SUBJECTS, MemoryBackend.outbox, strict=True):
        found += problems(f"{kind} SMS", [text], allowed)
    report(found)


# The printed referral sheet ------------------------------------------------------------


def test_referral_sheet(client, arabic, allowed_words):
    """The sheet a counsellor prints for the client: its page chrome is in the
    counsellor's language, the printed part (heading, offers) in the client's."""
    found = []
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    client.force_login(StaffMember.objects.filter(role=Role.COUNSELLOR).first())
    offers = Offer.objects.filter(is_active=True).order_by("pk")[:4]
    query = "&".join(f"offers={offer.pk}" for offer in offers)
    url = reverse("directory_staff:referral_sheet") + f"?lang={LANGUAGE}&{query}"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="sheet-offer' in html
    check(found, "referral sheet", html, allowed_words, within="referral-sheet", skip="no-print")
    report(found)
