"""Server-rendered SVG charts: small, dependency-free, readable at a glance.

Each chart is an ``<svg role="img">`` with ``<title>`` and ``<desc>``; the page shows the
same data as a table beside it, so the SVG is an illustration, not the only carrier. The
CSP forbids inline ``style`` attributes, so only SVG presentation attributes are used.
Suppressed values (``None``) are drawn as a gap and named in the description.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 240
MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP, MARGIN_RIGHT = 44, 36, 12, 12
BAR_COLOUR = "#0b5cad"
LINE_COLOUR = "#0b5cad"
AXIS_COLOUR = "#444444"


def _scale_max(values) -> int:
    top = max([value for value in values if value is not None] or [0])
    if top <= 0:
        return 1
    magnitude = 10 ** (len(str(int(top))) - 1)
    return int(((top // magnitude) + 1) * magnitude)


def _frame(title: str, description: str, body: list[str], chart_id: str) -> str:
    return mark_safe(  # noqa: S308 - every text part is escaped above
        f'<svg class="statistics-chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )


def _axes(top: int) -> list[str]:
    plot_bottom = HEIGHT - MARGIN_BOTTOM
    parts = [
        f'<line x1="{MARGIN_LEFT}" y1="{MARGIN_TOP}" x2="{MARGIN_LEFT}" y2="{plot_bottom}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>',
        f'<line x1="{MARGIN_LEFT}" y1="{plot_bottom}" x2="{WIDTH - MARGIN_RIGHT}" '
        f'y2="{plot_bottom}" stroke="{AXIS_COLOUR}" stroke-width="1"/>',
    ]
    for fraction in (0.5, 1.0):
        y = plot_bottom - (plot_bottom - MARGIN_TOP) * fraction
        parts.append(
            f'<text x="{MARGIN_LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{AXIS_COLOUR}">{int(top * fraction)}</text>'
        )
    return parts


def _describe(labels, values) -> str:
    return "; ".join(
        f"{label}: {_('suppressed') if value is None else value}"
        for label, value in zip(labels, values, strict=True)
    )


def bar_chart(chart_id: str, title: str, labels: list[str], values: list) -> str:
    """Vertical bars, one per label; ``None`` = suppressed (no bar)."""
    top = _scale_max(values)
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    slot = plot_width / max(len(values), 1)
    body = _axes(top)
    label_every = max(1, len(labels) // 12)
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = MARGIN_LEFT + index * slot
        if value:
            height = plot_height * value / top
            body.append(
                f'<rect x="{x + slot * 0.15:.1f}" y="{MARGIN_TOP + plot_height - height:.1f}" '
                f'width="{slot * 0.7:.1f}" height="{height:.1f}" fill="{BAR_COLOUR}">'
                f"<title>{escape(label)}: {value}</title></rect>"
            )
        if index % label_every == 0:
            body.append(
                f'<text x="{x + slot / 2:.1f}" y="{HEIGHT - MARGIN_BOTTOM + 14}" '
                f'text-anchor="middle" font-size="11" fill="{AXIS_COLOUR}">'
                f"{escape(_short(label))}</text>"
            )
    return _frame(title, _describe(labels, values), body, chart_id)


def line_chart(chart_id: str, title: str, labels: list[str], values: list) -> str:
    """A line over time; suppressed points break the line."""
    top = _scale_max(values)
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    step = plot_width / max(len(values) - 1, 1)
    body = _axes(top)
    segments, current = [], []
    for index, value in enumerate(values):
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        x = MARGIN_LEFT + index * step
        y = MARGIN_TOP + plot_height - plot_height * value / top
        current.append(f"{x:.1f},{y:.1f}")
    if current:
        segments.append(current)
    for points in segments:
        body.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{LINE_COLOUR}" '
            f'stroke-width="2"/>'
        )
    label_every = max(1, len(labels) // 8)
    for index, label in enumerate(labels):
        if index % label_every == 0:
            body.append(
                f'<text x="{MARGIN_LEFT + index * step:.1f}" y="{HEIGHT - MARGIN_BOTTOM + 14}" '
                f'text-anchor="middle" font-size="11" fill="{AXIS_COLOUR}">'
                f"{escape(_short(label))}</text>"
            )
    return _frame(title, _describe(labels, values), body, chart_id)


def _short(label: str) -> str:
    label = str(label)
    return label if len(label) <= 12 else label[:11] + "…"
