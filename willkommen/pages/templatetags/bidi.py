"""Template side of ``willkommen.bidi``: keep Latin-script and numeric data in one piece
inside right-to-left pages, e-mails and texts.

``{{ value|isolate }}`` isolates every left-to-right datum in ``value``: with
``<bdi dir="ltr">`` in HTML, with the Unicode isolates LRI … PDI where autoescaping is off
(the plain-text e-mails render under ``{% autoescape off %}``).

``{% isolate %}{{ start|time:"H:i" }}–{{ end|time:"H:i" }}{% endisolate %}`` isolates what
it encloses as one datum (a time range, a code with a prefix).

``{% when start end %}`` writes "weekday, date, 09:00–09:30" with both isolated.
"""

from django import template
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from willkommen import bidi

register = template.Library()


@register.filter(needs_autoescape=True)
def isolate(value, autoescape=True):
    if autoescape:
        return bidi.isolate_html(value)
    return bidi.isolate_text(value)


class IsolateNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        content = self.nodelist.render(context)
        if not content.strip():
            return content
        if context.autoescape:
            # Rendered by the template above, which escaped it.
            return format_html('<bdi dir="ltr">{}</bdi>', mark_safe(content))  # noqa: S308
        if get_language_bidi():
            return f"{bidi.LRI}{content}{bidi.PDI}"
        return content


@register.tag("isolate")
def do_isolate(parser, token):
    nodelist = parser.parse(("endisolate",))
    parser.delete_first_token()
    return IsolateNode(nodelist)


@register.simple_tag(takes_context=True)
def when(context, start, end=None):
    """Weekday, long date and time (or time range) of an appointment, e.g. "Tuesday,
    24 November 2026, 09:00–09:30". The separators are the translators' (Arabic and
    Persian write "،"), the time range is one isolated datum, the digits of the date too."""
    local_start = timezone.localtime(start)
    times = time_format(local_start, "H:i")
    if end is not None:
        times = f"{times}–{time_format(timezone.localtime(end), 'H:i')}"
    parts = {
        "weekday": date_format(local_start, "l"),
        "date": date_format(local_start, "DATE_FORMAT"),
    }
    pattern = _("%(weekday)s, %(date)s, %(time)s")
    if context.autoescape:
        # Left-to-right pages need only the time range isolated (as before).
        isolate_date = bidi.isolate_html if get_language_bidi() else conditional_escape
        values = {name: isolate_date(value) for name, value in parts.items()}
        values["time"] = bidi.isolate_html(times)
        # The pattern is escaped here, every value by isolate_html or conditional_escape.
        return mark_safe(conditional_escape(pattern) % values)  # noqa: S308
    values = {name: bidi.isolate_text(value) for name, value in parts.items()}
    values["time"] = bidi.isolate_text(times)
    return pattern % values
