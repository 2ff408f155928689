"""Request id, request metrics, and a clean 503 while the database is unreachable."""

import logging
import re
import time
import uuid

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

from willkommen.client_address import client_ip

from .context import current_request_id
from .request_stats import stats

logger = logging.getLogger("willkommen.request")

# An id from the reverse proxy is kept only if it is short and harmless in logs/headers.
ACCEPTABLE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
RETRY_AFTER_SECONDS = 5


class RequestIdMiddleware:
    """Gives every request an id (the proxy's ``X-Request-ID`` or a new one), returns it
    in the response header, logs one line per request (with the client's address as
    ``client_address.client_ip`` sees it, not the proxy's) and counts it for ``/metrics``.

    Must be the first middleware so that its timing and status cover everything else.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if ACCEPTABLE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = current_request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration = time.perf_counter() - started
            response["X-Request-ID"] = request_id
            stats.record(response.status_code, duration)
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round(duration * 1000, 1),
                    "client_ip": client_ip(request),
                },
            )
            return response
        finally:
            current_request_id.reset(token)


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection into ``503 Service Unavailable`` with
    ``Retry-After`` instead of a 500: the outage is temporary and clients (and the load
    balancer) should retry. Django's connection health checks reconnect on the next
    request, so the service recovers by itself once the database is back.

    The answer is built without templates or database access: JSON for ``/api/``,
    a minimal translated HTML page otherwise.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("database unavailable: %s", exception, extra={"path": request.path})
        message = _("The service is briefly unavailable. Please try again in a moment.")
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message, "code": "service_unavailable"}, status=503)
        else:
            title = escape(_("Service unavailable"))
            response = HttpResponse(
                f'<!doctype html><html lang="{escape(getattr(request, "LANGUAGE_CODE", "de"))}">'
                f'<head><meta charset="utf-8"><title>{title}</title></head>'
                f"<body><h1>{title}</h1><p>{escape(message)}</p></body></html>",
                status=503,
                content_type="text/html; charset=utf-8",
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
