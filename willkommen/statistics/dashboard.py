"""The dashboard as a list of tables (with charts) and headline figures.

This is where suppression is applied: every count that crosses an organisation's boundary
goes through ``suppression.py`` before it becomes a displayed string. Views, exports, the
monthly report and the API all render the same ``Dashboard``, so they cannot differ in
what they reveal.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.formats import date_format, number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from willkommen.organisations.models import Language, Location, Organisation, Topic, language_name

from . import charts, queries
from .suppression import Cell, suppress_series, suppress_table, threshold

CHANNEL_LABELS = {
    "booked": lambda: _("Booked online with an office appointment"),
    "walk_in": lambda: _("Walk-in from the waiting area"),
    "follow_up": lambda: _("Follow-up"),
}
INTERPRETER_LABELS = {
    "none": lambda: _("No interpreter"),
    "counsellor": lambda: _("Counsellor speaks the language"),
    "phone": lambda: _("Phone interpreter"),
    "video": lambda: _("Video interpreter"),
    "accompanying_person": lambda: _("Accompanying person"),
}


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[tuple[str, list[str]]]
    chart: str = ""
    note: str = ""


@dataclass
class Dashboard:
    filters: queries.Filters
    suppressed: bool
    threshold: int
    headline: str = ""
    tables: list[Table] = field(default_factory=list)

    def table(self, key):
        return next(table for table in self.tables if table.key == key)


def _display(cell: Cell, limit: int) -> str:
    return cell.display(limit)


def _plain(value: int) -> Cell:
    return Cell(value)


def _series(values: list[int], suppress: bool, limit: int) -> list[Cell]:
    if suppress:
        return suppress_series(values, limit)
    return [_plain(v) for v in values] + [_plain(sum(values))]


def _percent(numerator, denominator) -> str:
    """A share with one decimal in the UI language's notation: "5,5 %" in German."""
    if not denominator:
        return "–"
    share = number_format(100 * numerator / denominator, decimal_pos=1, use_l10n=True)
    return f"{share}\u00a0%"


def period_keys(filters: queries.Filters) -> list[date]:
    first, last = filters.first_day, filters.last_day
    if filters.granularity == "day":
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]
    if filters.granularity == "month":
        keys, current = [], first.replace(day=1)
        while current <= last:
            keys.append(current)
            current = (current + timedelta(days=32)).replace(day=1)
        return keys
    monday = first - timedelta(days=first.weekday())
    return [monday + timedelta(weeks=n) for n in range((last - monday).days // 7 + 1)]


def period_label(key: date, granularity: str) -> str:
    """How people name a period: "KW 6/2026" (the ISO week German calendars print),
    "Februar 2026", "02.02.2026" – not "2026-W06"."""
    if granularity == "month":
        return date_format(key, "YEAR_MONTH_FORMAT")
    if granularity == "week":
        year, week, _weekday = key.isocalendar()
        return _("Week %(week)s/%(year)s") % {"week": week, "year": year}
    return date_format(key, "SHORT_DATE_FORMAT")


def build(filters: queries.Filters, *, own_organisation_id: int | None = None) -> Dashboard:
    """The dashboard for a coordinator (``own_organisation_id=None``: everything crosses a
    boundary, everything is suppressed) or for an organisation lead (own organisation's
    consultations in full; location-wide walk-in and appointment figures suppressed)."""
    limit = threshold()
    if own_organisation_id is not None:
        filters = queries.Filters(**{**filters.__dict__, "organisation_id": own_organisation_id})
    suppress_own = own_organisation_id is None
    topics = list(Topic.objects.order_by("sort_order", "name").values_list("id", "name"))
    topic_ids = [topic_id for topic_id, _name in topics]
    if queries.rollup_answers(filters):
        counts = queries.consultation_counts_from_rollup(filters, topic_ids)
        walk_ins = queries.walk_in_figures_from_rollup(filters)
    else:
        counts = queries.consultation_counts(filters, topic_ids)
        walk_ins = queries.walk_in_figures(filters)
    # Office appointments are filtered by day and location only: the rollup always answers.
    appointments = queries.appointment_figures_from_rollup(filters, own_organisation_id)
    staffed = queries.staffed_figures(filters)
    dashboard = Dashboard(filters=filters, suppressed=suppress_own, threshold=limit)
    tables = dashboard.tables

    # Consultations per period.
    keys = period_keys(filters)
    labels = [period_label(key, filters.granularity) for key in keys]
    values = [counts.by_period.get(key, 0) for key in keys]
    cells = _series(values, suppress_own, limit)
    title = {
        "day": _("Consultations per day"),
        "week": _("Consultations per week"),
        "month": _("Consultations per month"),
    }[filters.granularity]
    chart_values = [cell.published for cell in cells[:-1]]
    make_chart = charts.line_chart if filters.granularity == "day" else charts.bar_chart
    tables.append(
        Table(
            "per_period",
            title,
            [_("Period"), _("Consultations")],
            [(label, [_display(c, limit)]) for label, c in zip(labels, cells[:-1], strict=True)]
            + [(_("Total"), [_display(cells[-1], limit)])],
            chart=make_chart("chart-period", title, labels, chart_values),
        )
    )
    total_cell = cells[-1]
    since = date_format(filters.first_day, "DATE_FORMAT")
    if total_cell.suppressed:
        dashboard.headline = ngettext(
            "Fewer than %(limit)s consultation since %(date)s.",
            "Fewer than %(limit)s consultations since %(date)s.",
            limit,
        ) % {"limit": limit, "date": since}
    else:
        dashboard.headline = ngettext(
            "%(count)s consultation since %(date)s.",
            "%(count)s consultations since %(date)s.",
            total_cell.value,
        ) % {"count": number_format(total_cell.value, force_grouping=True), "date": since}

    # Organisation × channel (the two-way table of the coordinator).
    organisations = dict(Organisation.objects.values_list("id", "name"))
    channel_keys = list(CHANNEL_LABELS)
    org_ids = sorted(
        {org for org, _channel in counts.by_organisation_channel},
        key=lambda org: organisations.get(org, ""),
    )
    grid = [
        [counts.by_organisation_channel.get((org, channel), 0) for channel in channel_keys]
        for org in org_ids
    ]
    if suppress_own:
        extended = suppress_table(grid, limit) if grid else []
    else:
        extended = (
            [[_plain(v) for v in row] + [_plain(sum(row))] for row in grid]
            + [
                [_plain(sum(col)) for col in zip(*grid, strict=True)]
                + [_plain(sum(map(sum, grid)))]
            ]
            if grid
            else []
        )
    row_labels = [organisations.get(org, "?") for org in org_ids] + ([_("Total")] if grid else [])
    tables.append(
        Table(
            "organisation_channel",
            _("Consultations by organisation and channel"),
            [_("Organisation")] + [CHANNEL_LABELS[c]() for c in channel_keys] + [_("Total")],
            [
                (label, [_display(cell, limit) for cell in row])
                for label, row in zip(row_labels, extended, strict=True)
            ],
            chart=charts.bar_chart(
                "chart-organisation",
                _("Consultations by organisation"),
                row_labels[:-1],
                [row[-1].published for row in extended[:-1]],
            )
            if extended
            else "",
        )
    )
    org_total_cell = {org: extended[i][-1] for i, org in enumerate(org_ids)}

    # One-way breakdowns with a total.
    # CLDR names in the UI language ("Persisch (Farsi)" is nobody's word; "Persisch" is).
    languages = {
        code: language_name(code, get_language()) or english
        for code, english in Language.objects.values_list("code", "english_name")
    }
    locations = dict(Location.objects.values_list("id", "name"))
    for key, title, header, mapping, namer in (
        (
            "language",
            _("Consultations by language"),
            _("Language"),
            counts.by_language,
            lambda code: languages.get(code, code or _("not recorded")),
        ),
        (
            "interpreter",
            _("Interpreter use"),
            _("Interpreter"),
            counts.by_interpreter,
            lambda kind: INTERPRETER_LABELS.get(kind, lambda: kind or _("not recorded"))(),
        ),
        (
            "location",
            _("Consultations by location"),
            _("Location"),
            counts.by_location,
            lambda location_id: locations.get(location_id, "?"),
        ),
    ):
        items = sorted(mapping.items(), key=lambda item: -item[1])
        names = [namer(k) for k, _v in items]
        cells = _series([v for _k, v in items], suppress_own, limit)
        tables.append(
            Table(
                key,
                title,
                [header, _("Consultations")],
                [(name, [_display(c, limit)]) for name, c in zip(names, cells[:-1], strict=True)]
                + [(_("Total"), [_display(cells[-1], limit)])],
                chart=charts.bar_chart(
                    f"chart-{key}", title, names, [c.published for c in cells[:-1]]
                ),
            )
        )

    # Topics: one consultation may have several, so topic counts do not add up to a total;
    # without a published total there is nothing to subtract from, primary suppression only.
    topic_names = [name for _id, name in topics]
    topic_values = [counts.by_topic.get(topic_id, 0) for topic_id in topic_ids]
    topic_cells = [
        Cell(v, suppressed=suppress_own and 0 < v < limit, primary=True) for v in topic_values
    ]
    tables.append(
        Table(
            "topic",
            _("Consultations by topic"),
            [_("Topic"), _("Consultations")],
            [
                (name, [_display(c, limit)])
                for name, c in zip(topic_names, topic_cells, strict=True)
            ],
            chart=charts.bar_chart(
                "chart-topic",
                _("Consultations by topic"),
                topic_names,
                [c.published for c in topic_cells],
            ),
            note=_("A consultation can address several topics; the rows do not add up."),
        )
    )

    # Utilisation: consultation minutes against staffed minutes.
    utilisation_rows = []
    for org in sorted(
        set(org_ids) | set(staffed.by_organisation), key=lambda o: organisations.get(o, "")
    ):
        cell = org_total_cell.get(org, Cell(0))
        minutes = counts.minutes_by_organisation.get(org, 0)
        staffed_minutes = staffed.by_organisation.get(org, 0)
        if cell.suppressed:
            shown = [_display(cell, limit), "•", str(staffed_minutes), "•"]
        else:
            shown = [
                str(cell.value),
                str(minutes),
                str(staffed_minutes),
                _percent(minutes, staffed_minutes),
            ]
        utilisation_rows.append((organisations.get(org, "?"), shown))
    tables.append(
        Table(
            "utilisation_organisation",
            _("Utilisation by organisation"),
            [
                _("Organisation"),
                _("Consultations"),
                _("Consultation minutes"),
                _("Staffed minutes"),
                _("Utilisation"),
            ],
            utilisation_rows,
        )
    )
    location_rows = []
    for location_id in sorted(set(counts.by_location) | set(staffed.by_location)):
        count = counts.by_location.get(location_id, 0)
        minutes = counts.minutes_by_location.get(location_id, 0)
        staffed_minutes = staffed.by_location.get(location_id, 0)
        hidden = suppress_own and 0 < count < limit
        location_rows.append(
            (
                locations.get(location_id, "?"),
                [f"< {limit}", "•", str(staffed_minutes), "•"]
                if hidden
                else [
                    str(count),
                    str(minutes),
                    str(staffed_minutes),
                    _percent(minutes, staffed_minutes),
                ],
            )
        )
    tables.append(
        Table(
            "utilisation_location",
            _("Utilisation by location"),
            [
                _("Location"),
                _("Consultations"),
                _("Consultation minutes"),
                _("Staffed minutes"),
                _("Utilisation"),
            ],
            location_rows,
        )
    )
    week_keys = sorted(set(counts.by_week_minutes) | set(staffed.by_week))
    week_labels = [period_label(week, "week") for week in week_keys]
    week_ratios = [
        round(100 * counts.by_week_minutes.get(w, 0) / staffed.by_week[w], 1)
        if staffed.by_week.get(w)
        else None
        for w in week_keys
    ]
    tables.append(
        Table(
            "utilisation_week",
            _("Utilisation by week"),
            [_("Week"), _("Consultation minutes"), _("Staffed minutes"), _("Utilisation")],
            [
                (
                    label,
                    [
                        str(counts.by_week_minutes.get(w, 0)),
                        str(staffed.by_week.get(w, 0)),
                        _percent(counts.by_week_minutes.get(w, 0), staffed.by_week.get(w, 0)),
                    ],
                )
                for label, w in zip(week_labels, week_keys, strict=True)
            ],
            chart=charts.line_chart(
                "chart-utilisation", _("Utilisation by week (per cent)"), week_labels, week_ratios
            ),
            note=_(
                "Minutes are not counts of people and are shown in full; a week without "
                "staffed minutes has no utilisation."
            ),
        )
    )

    # Office appointments and added consultations (location-wide: always suppressed).
    def count_cell(value, hide=True):
        return Cell(value, suppressed=hide and 0 < value < limit, primary=True)

    with_cell = count_cell(appointments.with_consultation)
    no_show_cell = count_cell(appointments.booked_consultations_no_show, suppress_own)
    tables.append(
        Table(
            "appointments",
            _("Office appointments and booked consultations"),
            [_("Figure"), _("Value")],
            [
                (
                    _("Office appointments"),
                    [_display(count_cell(appointments.appointments), limit)],
                ),
                (_("with an added consultation"), [_display(with_cell, limit)]),
                (
                    _("Share of office appointments that added a consultation"),
                    [
                        "•"
                        if with_cell.suppressed
                        else _percent(appointments.with_consultation, appointments.appointments)
                    ],
                ),
                (
                    _("Booked consultations that were due"),
                    [
                        _display(
                            count_cell(appointments.booked_consultations_due, suppress_own), limit
                        )
                    ],
                ),
                (_("of which no-shows"), [_display(no_show_cell, limit)]),
                (
                    _("No-show rate of booked consultations"),
                    [
                        "•"
                        if no_show_cell.suppressed
                        else _percent(
                            appointments.booked_consultations_no_show,
                            appointments.booked_consultations_due,
                        )
                    ],
                ),
            ],
        )
    )

    # Walk-ins (location-wide).
    finished_cell = count_cell(walk_ins.finished)
    left_cell = count_cell(walk_ins.left_without_consultation)
    few = walk_ins.finished < limit

    def minutes_text(value):
        return "–" if value is None else ("•" if few else f"{value:.1f}")

    tables.append(
        Table(
            "walk_ins",
            _("Walk-ins from the waiting area"),
            [_("Figure"), _("Value")],
            [
                (_("Walk-ins (consulted or left)"), [_display(finished_cell, limit)]),
                (_("Left without consultation"), [_display(left_cell, limit)]),
                (
                    _("Share who left without consultation"),
                    [
                        "•"
                        if left_cell.suppressed
                        else _percent(walk_ins.left_without_consultation, walk_ins.finished)
                    ],
                ),
                (_("Waiting time, median (minutes)"), [minutes_text(walk_ins.median_wait)]),
                (_("Waiting time, 90th percentile (minutes)"), [minutes_text(walk_ins.p90_wait)]),
            ],
            note=_("Walk-in figures cover the whole location, whoever held the consultation."),
        )
    )
    tables.append(release_table(filters, locations))
    return dashboard


def release_table(filters: queries.Filters, locations: dict) -> Table:
    """The fair release's drawn rounds in the period (public figures: no suppression)."""
    rows = []
    for fact in queries.release_round_facts(filters):
        drawn_on = date_format(fact.day, "SHORT_DATE_FORMAT")
        rows.append(
            (
                f"{locations.get(fact.location_id, '?')} · {drawn_on}",
                [
                    str(fact.slots),
                    str(fact.confirmed_requests),
                    f"{fact.confirmed_requests / fact.slots:.1f}" if fact.slots else "–",
                    _percent(fact.allocated, fact.confirmed_requests),
                    _percent(fact.repeat_requesters, fact.confirmed_requests),
                ],
            )
        )
    return Table(
        "release_rounds",
        _("Appointment draws"),
        [
            _("Round (draw)"),
            _("Appointments in the draw"),
            _("Confirmed requests"),
            _("Requests per appointment"),
            _("Share of requests given an appointment"),
            _("Share of requesters who had asked before"),
        ],
        rows,
    )
