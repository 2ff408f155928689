"""Staff views: thin wrappers around ``dashboard.build`` for the two audiences.

The coordinator's pages (VIEW_ALL_STATISTICS) show all organisations with suppression;
the organisation lead's pages (VIEW_ORGANISATION_STATISTICS) show the own organisation in
full and location-wide figures with suppression. Exports and the printable report are the
same dashboard, so they reveal exactly what the page reveals.
"""

from datetime import date, timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from willkommen import clock, inputs
from willkommen.accounts.policy import Permission, requires

from . import dashboard as dashboard_module
from . import exports
from .forms import FilterForm
from .queries import Filters


def _scope(request, organisation_scope: bool):
    return request.user.organisation_id if organisation_scope else None


def _build(request, organisation_scope: bool):
    own = _scope(request, organisation_scope)
    form = FilterForm(request.GET or None, own_organisation=own)
    filters = form.filters() if form.is_bound else FilterForm().filters()
    return form, dashboard_module.build(filters, own_organisation_id=own)


def _names(organisation_scope: bool) -> dict:
    prefix = "statistics_staff:" + ("organisation_" if organisation_scope else "")
    return {
        "page": prefix + "dashboard",
        "csv": prefix + "export_csv",
        "xlsx": prefix + "export_xlsx",
        "report": prefix + "report",
    }


def _dashboard_view(organisation_scope: bool):
    def view(request):
        form, board = _build(request, organisation_scope)
        names = _names(organisation_scope)
        query = request.GET.urlencode()
        return render(
            request,
            "statistics/dashboard.html",
            {
                "form": form,
                "dashboard": board,
                "organisation_scope": organisation_scope,
                "page_url": reverse(names["page"]),
                "csv_url": reverse(names["csv"]) + (f"?{query}" if query else ""),
                "xlsx_url": reverse(names["xlsx"]) + (f"?{query}" if query else ""),
                "report_url": reverse(names["report"]),
            },
        )

    return view


def _filename(board, extension):
    return f"statistics-{board.filters.first_day}-{board.filters.last_day}.{extension}"


def _csv_view(organisation_scope: bool):
    def view(request):
        _form, board = _build(request, organisation_scope)
        response = HttpResponse(
            "\ufeff" + exports.to_csv(board), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{_filename(board, "csv")}"'
        return response

    return view


def _xlsx_view(organisation_scope: bool):
    def view(request):
        _form, board = _build(request, organisation_scope)
        response = HttpResponse(
            exports.to_xlsx(board),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{_filename(board, "xlsx")}"'
        return response

    return view


def _month_from(value: str, today: date) -> tuple[date, str]:
    try:
        month = inputs.parse_month(value)
        error = ""
    except ValueError as refused:
        month, error = None, str(refused)
    if month is None:
        first_of_this = today.replace(day=1)
        month = (first_of_this - timedelta(days=1)).replace(day=1)
    return month, error


def _report_view(organisation_scope: bool):
    def view(request):

        month, error = _month_from(request.GET.get("month", ""), clock.today())
        last = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        filters = Filters(first_day=month, last_day=last, granularity="day")
        board = dashboard_module.build(
            filters, own_organisation_id=_scope(request, organisation_scope)
        )
        return render(
            request,
            "statistics/report.html",
            {
                "dashboard": board,
                "month": month,
                "month_value": month.strftime("%Y-%m"),
                "error": error,
                "organisation_scope": organisation_scope,
                "page_url": reverse(_names(organisation_scope)["page"]),
            },
        )

    return view


dashboard = requires(Permission.VIEW_ALL_STATISTICS)(_dashboard_view(False))
export_csv = requires(Permission.VIEW_ALL_STATISTICS)(_csv_view(False))
export_xlsx = requires(Permission.VIEW_ALL_STATISTICS)(_xlsx_view(False))
report = requires(Permission.VIEW_ALL_STATISTICS)(_report_view(False))

organisation_dashboard = requires(Permission.VIEW_ORGANISATION_STATISTICS)(_dashboard_view(True))
organisation_export_csv = requires(Permission.VIEW_ORGANISATION_STATISTICS)(_csv_view(True))
organisation_export_xlsx = requires(Permission.VIEW_ORGANISATION_STATISTICS)(_xlsx_view(True))
organisation_report = requires(Permission.VIEW_ORGANISATION_STATISTICS)(_report_view(True))
