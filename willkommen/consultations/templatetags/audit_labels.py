"""Readable words for the codes the audit log stores ("consultation_list · day 2026-12-04",
"no_consent"). The log keeps its codes (they are evidence and must not change with a
translation); the page shows them in the reader's language, and a code it does not know
as it is."""

import re
from datetime import date

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

register = template.Library()

OBJECT_TYPES = {
    "consultation": _("Consultation record"),
    "consultation_list": _("List of consultations"),
    "booking": _("Booked consultation"),
    "clientrecord": _("Client record"),
    "page": _("Page"),
}

DETAILS = {
    "started": _("started"),
    "documented": _("documented"),
    "documentation form": _("documentation form opened"),
    "taken over": _("taken over"),
    "finished": _("finished"),
    "no_show": _("marked as no-show"),
    "api": _("read through the API"),
    "html": _("as a web page"),
    "json": _("as JSON"),
    "csv": _("as CSV"),
    "search: not found": _("search: nothing found"),
    # Refusals (ConsultationError codes).
    "already_started": _("refused: already started"),
    "in_past": _("refused: time in the past"),
    "invalid": _("refused: invalid input"),
    "locked": _("refused: record locked"),
    "no_consent": _("refused: name or contact without consent"),
    "no_topic": _("refused: no topic chosen"),
    "not_found": _("refused: not found"),
    "not_in_progress": _("refused: not in progress"),
    "not_no_show": _("refused: not a no-show"),
    "not_startable": _("refused: cannot be started"),
    "not_started": _("refused: not started yet"),
    "wrong_counsellor": _("refused: another counsellor's consultation"),
}

DAY = re.compile(r"^day (\d{4}-\d\d-\d\d)$")
FOLLOW_UP = re.compile(r"^follow-up of (\d+)$")
API_LIST = re.compile(r"^api list \((\d+)\)$")
ANONYMISED = re.compile(r"^(\d+) records anonymised$")


@register.filter
def audit_object(code):
    return OBJECT_TYPES.get(code, code)


@register.filter
def audit_detail(detail):
    if detail in DETAILS:
        return DETAILS[detail]
    if match := DAY.match(detail):
        day = date.fromisoformat(match.group(1))
        return _("day %(date)s") % {"date": date_format(day, "SHORT_DATE_FORMAT")}
    if match := FOLLOW_UP.match(detail):
        return _("follow-up of record %(number)s") % {"number": match.group(1)}
    if match := API_LIST.match(detail):
        return _("read through the API (%(count)s records)") % {"count": match.group(1)}
    if match := ANONYMISED.match(detail):
        count = int(match.group(1))
        return ngettext("%(count)s record anonymised", "%(count)s records anonymised", count) % {
            "count": count
        }
    return detail
