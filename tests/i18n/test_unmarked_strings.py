"""Static check: no client-facing template text or Python string escapes translation
(``scripts/check_untranslated.py``), with control tests that feed it deliberately
unmarked strings."""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "check_untranslated", ROOT / "scripts" / "check_untranslated.py"
)
checker = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = checker  # dataclasses look their module up there
_spec.loader.exec_module(checker)


def texts(findings):
    return [(finding.line, finding.text) for finding in findings]


def test_every_client_facing_string_is_marked_for_translation():
    findings = checker.project_findings()
    assert not findings, "Mark these strings for translation (or allow them in ALLOWED):\n" + (
        "\n".join(str(finding) for finding in findings)
    )


def test_the_check_reads_every_listed_file():
    """A renamed template or module must not silently drop out of the check."""
    for pattern in checker.CLIENT_TEMPLATES + checker.CLIENT_MODULES:
        assert list(ROOT.glob(pattern)), pattern


CONTROL_TEMPLATE = """{% extends "base.html" %}{% load i18n %}
{% block body_class %}some-page{% endblock %}
{% block title %}{% translate "Fine" %}{% endblock %}
{% block content %}
<p>{% translate "Marked" %} · {{ value }} – 12:30</p>
<p>
  Not marked {{ value }} and more
</p>
<img src="a.png" alt="A picture"><input type="submit" value="Send">
<button name="start" value="2026-11-24T09:00">{% translate "Book" %}</button>
<p title="{% translate 'Fine' %}" aria-label="Label here">
{% blocktranslate %}Fine {{ a }}{% endblocktranslate %}</p>
{# Comment text #}{% comment %}Comment text{% endcomment %}
<script>var text = "Script text";</script><style>p::after { content: "Style" }</style>
<a lang="de" href="/easy">Leichte Sprache</a><span lang="{{ code }}">Oops</span>
{{ value|default:"Nothing" }}{% include "x.html" with label="Some label" %}{{ when|date:"D j M" }}
{% endblock %}
"""


def test_control_the_template_check_catches_unmarked_text():
    found = texts(checker.template_findings(CONTROL_TEMPLATE, "control.html"))
    assert found == [
        (7, "Not marked"),
        (7, "and more"),
        (9, "A picture"),
        (9, "Send"),
        (11, "Label here"),
        (15, "Oops"),
        (16, "Nothing"),
        (16, "Some label"),
    ]


CONTROL_MODULE = """
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse
from django.utils.translation import gettext as _, pgettext_lazy


class Status(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", pgettext_lazy("status", "Done")


class ContactForm(forms.Form):
    name = forms.CharField(label="Your name", help_text=_("Fine"))
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("a", "Alpha"), ("b", _("Beta"))],
        widget=forms.Select(attrs={"placeholder": "Pick one", "class": "kern-select"}),
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise ValidationError("Bad value", code="bad_value")


def view(request):
    messages.info(request, "Saved.")
    messages.error(request, _("Fine"))
    messages.success(request, f"Saved {request.user}")
    messages.warning(request, "Ticket %s moved" % request.user)
    raise SomeError("slot_taken", _("Fine"), "Slot is gone")
    return HttpResponse("Not allowed", status=403)
"""


def test_control_the_python_check_catches_unmarked_strings():
    found = texts(checker.python_findings(CONTROL_MODULE, "control.py"))
    assert found == [
        (11, "Open"),
        (16, "Your name"),
        (19, "Alpha"),
        (20, "Pick one"),
        (22, "token"),
        (25, "Bad value"),
        (29, "Saved."),
        (31, "Saved {…}"),
        (32, "Ticket %s moved"),
        (33, "Slot is gone"),
        (34, "Not allowed"),
    ]


def test_every_allowed_exception_has_a_reason_and_is_still_needed():
    """A stale entry would silently allow the same text if it came back unmarked."""
    raw = checker.project_findings(allowed={})
    for (path, text_or_kind), reason in checker.ALLOWED.items():
        assert reason.strip(), (path, text_or_kind)
        assert any(
            finding.path == path and text_or_kind in (finding.text, finding.kind)
            for finding in raw
        ), f"ALLOWED entry no longer needed: {path}: {text_or_kind!r}"
