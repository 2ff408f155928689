"""The JSON API: ``/api/v1/…``, its OpenAPI document at ``/api/openapi.json``.

Each app keeps its endpoints in its own ``api.py`` router; this module only mounts them and
installs the shared error handling (``willkommen.api_errors``).
"""

from django.http import JsonResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Router

from willkommen.api_errors import declare_common_errors, install_error_handlers
from willkommen.booking.api.endpoints import router as booking_router
from willkommen.booking.api.office import router as office_appointments_router
from willkommen.booking.api.office_calendar import router as office_calendar_router
from willkommen.booking.api.serialisers import install_refusal_handlers
from willkommen.consultations.api import router as consultations_router
from willkommen.directory.api import router as directory_router
from willkommen.inputs import InputParser
from willkommen.release.api import router as release_router
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
    # Control characters in query parameters and JSON bodies are refused (willkommen.inputs).
    parser=InputParser(),
)

install_error_handlers(api)
install_refusal_handlers(api)


@csrf_exempt
def api_not_found(request, rest=""):
    """Unknown paths under /api/ answer in JSON, not with the HTML error page – for every
    method: it writes nothing, so a POST without a CSRF token gets the same JSON 404 (and
    not Django's HTML 403 page) like the API's own operations, which check CSRF themselves."""
    return JsonResponse(
        {"detail": gettext("This API endpoint does not exist."), "code": "not_found"}, status=404
    )


v1 = Router()
for router in (
    scheduling_router,
    booking_router,
    office_appointments_router,
    office_calendar_router,
    walkins_router,
    release_router,
    consultations_router,
    directory_router,
    statistics_router,
):
    v1.add_router("", router)
api.add_router("/v1/", v1)
declare_common_errors(api)
