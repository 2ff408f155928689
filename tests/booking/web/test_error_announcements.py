"""Each form error is announced once: by the focused summary where the form has one, by the
field itself where it has none (includes/field.html's ``announce``)."""

import re

import pytest
from django.urls import reverse

from .test_external import form_data

pytestmark = pytest.mark.django_db


def test_a_form_with_a_summary_announces_through_the_summary_only(client, office):
    page = client.post(
        reverse("booking:external") + "?lang=en", form_data(client, office, duration="7")
    ).content.decode()
    assert 'role="alert" tabindex="-1" id="form-errors"' in page
    field_error = re.search(r'<p class="kern-error" id="id_duration_error"[^>]*>', page).group()
    assert "role=" not in field_error
    select = re.search(r"<select[^>]*id=\"id_duration\"[^>]*>", page).group()
    assert 'aria-invalid="true"' in select and "id_duration_error" in select


def test_a_form_without_a_summary_announces_the_field_error(client, office):
    url = reverse("booking:service", kwargs={"service_id": office.service.pk})
    page = client.get(
        url + f"?lang=en&day={office.day.isoformat()}&consultation=on&language=xx"
    ).content.decode()
    assert 'id="form-errors"' not in page
    assert re.search(r'<p class="kern-error" id="id_language_error" role="alert">', page)
