"""The client's booking flow with the Django test client, in any UI language, for the
render and date checks. ``seen(label, html)`` is called with every page on the way."""

import re

from django.urls import reverse

from willkommen.booking.models import Appointment
from willkommen.organisations.models import OfficeService, Topic


def with_lang(url, language):
    return f"{url}{'&' if '?' in url else '?'}lang={language}"


def first(pattern, html, what):
    match = re.search(pattern, html)
    assert match, f"no {what} on the page"
    return match.group(1)


def get(client, url, language, status=200):
    response = client.get(with_lang(url, language))
    assert response.status_code == status, (url, response.status_code)
    html = response.content.decode()
    assert f'lang="{language}"' in html, f"{url} is not rendered in {language}"
    return html


def book(client, language, seen=lambda label, html: None, *, consultation=True):
    """Books the first online service on the first free day, with a consultation in
    ``language``, and returns (appointment, URL of the confirmation page)."""
    service = OfficeService.objects.filter(bookable_online=True).order_by("sort_order")[0]
    service_url = reverse("booking:service", args=[service.pk])
    html = get(client, service_url, language)
    seen("service page", html)
    day = first(r"day=(\d{4}-\d\d-\d\d)", html, "day link")
    query = f"?day={day}"
    data = {}
    if consultation:
        topic = Topic.objects.filter(is_active=True).first()
        data = {"consultation": "on", "language": language, "topics": topic.slug}
        query += f"&consultation=on&language={language}&topics={topic.slug}"
    html = get(client, service_url + query, language)
    seen("time list", html)
    data["start"] = first(r'name="start" value="([^"]+)"', html, "free time")
    hold_url = with_lang(reverse("booking:choose", args=[service.pk]), language)
    response = client.post(hold_url, data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    details = reverse("booking:details")
    html = get(client, details, language)
    seen("details page", html)
    token = first(r'name="form_token" value="([^"]+)"', html, "form token")
    invalid = {"name": "", "email": "no-address", "form_token": token}
    html = client.post(with_lang(details, language), invalid).content.decode()
    seen("details page with errors", html)
    token = first(r'name="form_token" value="([^"]+)"', html, "form token")
    contact = {"name": "Amal Haddad", "email": "amal@example.org", "phone": ""}
    response = client.post(
        with_lang(details, language), {**contact, "privacy": "on", "form_token": token}
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    done_url = response["Location"]
    seen("confirmation page", get(client, done_url, language))
    return Appointment.objects.order_by("-pk").first(), done_url
