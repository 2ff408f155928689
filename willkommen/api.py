"""The JSON API: ``/api/v1/…``, its OpenAPI document at ``/api/openapi.json``.

Each app keeps its endpoints in its own ``api.py`` router; this module only mounts them.
"""

from django.http import JsonResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, ValidationError

from willkommen.booking.api import router as booking_router
from willkommen.consultations.api import router as consultations_router
from willkommen.directory.api import router as directory_router
from willkommen.scheduling.api import router as scheduling_router
from willkommen.statistics.api import router as statistics_router
from willkommen.walkins.api import router as walkins_router

api = NinjaAPI(
    title="Willkommen API",
    version="1",
    description=str(
        _("Appointments, consultations, walk-ins and local offers of the welcome service.")
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)



@api.exception_handler(ValidationError)
def invalid_input(request, exc):
    """Schema errors in the same shape as every other API error (detail + code), with the
    field-level list beside it, so clients handle one format."""
    problems = []
    for error in exc.errors:
        # ninja prefixes the parameter source ("query", "body", "path"); clients want the name.
        parts = [str(p) for p in error.get("loc", ()) if p not in {"body", "query", "path"}]
        location = ".".join(parts)
        problems.append({"field": location, "message": error.get("msg", "")})
    summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return api.create_response(
        request,
        {
            "detail": gettext("The request is not valid: %(problems)s") % {"problems": summary},
            "code": "invalid_input",
            "errors": problems,
        },
        status=422,
    )


@api.exception_handler(AuthenticationError)
def not_authenticated(request, exc):
    return api.create_response(
        request,
        {"detail": gettext("Please log in first."), "code": "not_authenticated"},
        status=401,
    )


def api_not_found(request, rest=""):
    """Unknown paths under /api/ answer in JSON, not with the HTML error page."""
    return JsonResponse(
        {"detail": gettext("This API endpoint does not exist."), "code": "not_found"}, status=404
    )


v1 = Router()
for router in (
    scheduling_router,
    booking_router,
    walkins_router,
    consultations_router,
    directory_router,
    statistics_router,
):
    v1.add_router("", router)
api.add_router("/v1/", v1)
