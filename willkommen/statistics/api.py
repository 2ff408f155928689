"""JSON API of the statistics, mounted under /api/v1/ (session-authenticated staff).

``GET /api/v1/statistics/dashboard`` returns the same tables as the dashboard page, with
the same suppression: the displayed strings ("< 5", "•"), never raw small counts.
``scope=all`` needs VIEW_ALL_STATISTICS, ``scope=organisation`` (the own organisation)
VIEW_ORGANISATION_STATISTICS. Bad filters come back as 422 with ``{"code", "detail"}``.
"""

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import django_auth

from willkommen.accounts.policy import Permission, has_permission
from willkommen.api_errors import ErrorOut

from . import dashboard
from .forms import FilterForm

router = Router(tags=["statistics"], auth=django_auth)


class RowOut(Schema):
    label: str
    cells: list[str]


class TableOut(Schema):
    key: str
    title: str
    columns: list[str]
    rows: list[RowOut]
    note: str


class DashboardOut(Schema):
    first_day: str
    last_day: str
    suppressed: bool
    threshold: int
    headline: str
    tables: list[TableOut]


@router.get("/statistics/dashboard", response={200: DashboardOut, 403: ErrorOut, 422: ErrorOut})
def statistics_dashboard(request, scope: str = "all"):
    if scope == "organisation":
        permission, own = Permission.VIEW_ORGANISATION_STATISTICS, request.user.organisation_id
    elif scope == "all":
        permission, own = Permission.VIEW_ALL_STATISTICS, None
    else:
        return Status(
            422, {"code": "bad_scope", "detail": _("Scope must be all or organisation.")}
        )
    if not has_permission(request.user, permission):
        return Status(403, {"code": "forbidden", "detail": _("Your role may not do this.")})
    form = FilterForm(request.GET, own_organisation=own)
    if request.GET and not form.is_valid():
        messages = [str(error) for errors in form.errors.values() for error in errors]
        return Status(422, {"code": "invalid_filter", "detail": " ".join(messages)})
    board = dashboard.build(form.filters(), own_organisation_id=own)
    return {
        "first_day": board.filters.first_day.isoformat(),
        "last_day": board.filters.last_day.isoformat(),
        "suppressed": board.suppressed,
        "threshold": board.threshold,
        "headline": board.headline,
        "tables": [
            {
                "key": table.key,
                "title": table.title,
                "columns": table.columns,
                "rows": [{"label": label, "cells": cells} for label, cells in table.rows],
                "note": table.note,
            }
            for table in board.tables
        ],
    }
