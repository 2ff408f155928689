"""The counsellor's day as a desk shows it: the "When" column holds the time, undocumented
consultations are marked, the documentation form never offers a duration it refuses, and
local offers are found with the directory's search instead of a list of every offer."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from willkommen.accounts.models import Role
from willkommen.consultations.forms import DocumentationForm
from willkommen.consultations.models import Consultation
from willkommen.directory import services as directory_services
from willkommen.directory.models import Offer

from .factories import caritas_consultation, login_verified, topics
from .test_workflow import documentation_post

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"consultations_staff:{name}", args=args)


def when_cells(html, heading_id):
    section = html.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<tr>\s*<td>(.*?)</td>", section, re.S)
    ]


def test_when_column_shows_date_and_time(client, staff):
    record = caritas_consultation(staff)
    login_verified(client, staff[Role.COUNSELLOR])
    html = client.get(url("day")).content.decode()
    started = timezone.localtime(record.started_at)
    assert when_cells(html, "recent-heading") == [started.strftime("%d.%m.%Y %H:%M")]


def test_control_firstof_gives_a_string_that_date_cannot_format():
    """What the table did before: ``{% firstof … as when %}`` stores text, ``|date`` of text
    is empty."""
    from django.template import Context, Template

    template = Template('{% firstof a b as when %}[{{ when|date:"d.m.Y H:i" }}]')
    assert template.render(Context({"a": timezone.now(), "b": None})) == "[]"


def test_undocumented_consultations_are_marked_and_listed(client, staff):
    documented = caritas_consultation(staff)
    Consultation.objects.filter(pk=documented.pk).update(documented_at=timezone.now())
    undocumented = caritas_consultation(staff, when=timezone.now() - timedelta(hours=4))
    login_verified(client, staff[Role.COUNSELLOR])
    html = client.get(url("day")).content.decode()
    assert "still needs documenting" in html
    to_document = html.split('id="document-heading"', 1)[1].split("</section>", 1)[0]
    assert url("document", undocumented.pk) in to_document
    assert url("record", documented.pk) not in to_document
    assert html.count('class="needs-documentation"') == 2  # in "to document" and "recent"


def test_documentation_form_never_prefills_a_refused_duration(staff):
    record = caritas_consultation(staff)
    record.ended_at = record.started_at + timedelta(seconds=20)  # closed at once
    record.save()
    initial = DocumentationForm.initial_for(record)
    assert initial["duration_minutes"] == 1
    form = DocumentationForm(data={**documentation_post(), "duration_minutes": "1"})
    assert form.is_valid(), form.errors
    running = caritas_consultation(staff, finished=False)
    later = running.started_at + timedelta(minutes=25)
    assert DocumentationForm.initial_for(running, now=later)["duration_minutes"] == 25


def test_control_the_stored_duration_alone_is_zero_and_refused(staff):
    record = caritas_consultation(staff)
    record.ended_at = record.started_at + timedelta(seconds=20)
    assert record.duration_minutes == 0
    form = DocumentationForm(data={**documentation_post(), "duration_minutes": "0"})
    assert not form.is_valid() and "duration_minutes" in form.errors


@pytest.fixture
def many_offers(db):
    housing = {t.slug: t for t in topics()}["housing"]
    offers = []
    for n in range(44):
        title = "Mieterverein Hannover" if n == 7 else f"Angebot Nummer {n}"
        offer = Offer.objects.create(
            reference=f"offer-{n}",
            title=title,
            description="Beratung",
            provider=f"Träger {n}",
            review_date=timezone.localdate() + timedelta(days=180),
        )
        if n == 7:
            offer.topics.add(housing)
        directory_services.refresh_search_text(
            Offer.objects.prefetch_related("translations", "topics").get(pk=offer.pk)
        )
        offers.append(offer)
    return offers


def test_offers_are_found_by_search_not_listed_all(client, staff, many_offers):
    record = caritas_consultation(staff)
    login_verified(client, staff[Role.COUNSELLOR])
    page = client.get(url("document", record.pk)).content.decode()
    assert page.count('name="referrals"') == 0  # nothing chosen yet, nothing listed
    data = {**documentation_post(), "offer_query": "Mieterverein", "search_offers": "1"}
    found = client.post(url("document", record.pk), data)
    html = found.content.decode()
    assert found.status_code == 200
    assert html.count('name="referrals"') == 1 and "Mieterverein Hannover" in html
    assert "Rent arrears; call the tenants&#x27; association." in html
    checked_topics = re.findall(r'name="topics" value="(\d+)"[^>]*checked', html)
    assert sorted(checked_topics) == sorted(str(pk) for pk in documentation_post()["topics"])
    record.refresh_from_db()
    assert record.documented_at is None  # searching saves nothing
    chosen = many_offers[7]
    saved = client.post(
        url("document", record.pk), {**documentation_post(), "referrals": [chosen.pk]}
    )
    assert saved.status_code == 302
    assert list(record.referrals.all()) == [chosen]
    again = client.get(url("document", record.pk)).content.decode()
    assert (
        again.count('name="referrals"') == 1
        and "checked" in again.split('name="referrals"')[1][:80]
    )
