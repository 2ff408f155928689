"""Prometheus figures (text format 0.0.4) in two scopes with separate credentials.

* ``GET /metrics`` — operations: requests, latency, the background queue, and office
  appointments counted exactly as the office calendar shows them. Nothing in it is derived
  from consultations or walk-ins, so it may be shown to anybody who also sees the office
  calendar (secrecy, docs/security.md): the differential secrecy test compares it in two
  worlds that differ only by a consultation. ``Authorization: Bearer <METRICS_TOKEN>`` or
  a client address (``client_address.client_ip``: behind a trusted proxy the
  address it forwards) in ``METRICS_ALLOWED_IPS``; with neither set it is switched off (404).
* ``GET /metrics/welcome-service`` — the welcome service's own figures (booked
  consultations, those still without a counsellor, consultations around appointments held
  elsewhere, walk-ins waiting). Only ``Authorization: Bearer
  <METRICS_WELCOME_SERVICE_TOKEN>``, a different token (no address allow-list, so an
  office network cannot reach it by address); 404 without it.

Request figures come from :mod:`.request_stats`; business figures are read from the
database at scrape time, so they are exact and the same whichever server answers.
"""

import hmac
import ipaddress

import django_rq
from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult

from willkommen.booking.models import Appointment, ConsultationBooking
from willkommen.client_address import client_ip
from willkommen.walkins.models import Ticket, TicketStatus

from .request_stats import BUCKET_LABELS, STATUS_CLASSES, stats

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _presents(request, token: str) -> bool:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    presented = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
    return bool(token and presented) and hmac.compare_digest(presented.encode(), token.encode())


def is_allowed(request):
    if _presents(request, getattr(settings, "METRICS_TOKEN", "") or ""):
        return True
    networks = getattr(settings, "METRICS_ALLOWED_IPS", []) or []
    if networks:
        try:
            address = ipaddress.ip_address(client_ip(request) or "")
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(net, strict=False) for net in networks)
    return False


@never_cache
@require_GET
def metrics(request):
    configured = getattr(settings, "METRICS_TOKEN", "") or getattr(
        settings, "METRICS_ALLOWED_IPS", []
    )
    if not configured:
        raise Http404
    if not is_allowed(request):
        response = HttpResponse("forbidden\n", status=403, content_type=CONTENT_TYPE)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(render_metrics(), content_type=CONTENT_TYPE)


@never_cache
@require_GET
def welcome_service_metrics(request):
    token = getattr(settings, "METRICS_WELCOME_SERVICE_TOKEN", "") or ""
    if not token:
        raise Http404
    if not _presents(request, token):
        response = HttpResponse("forbidden\n", status=403, content_type=CONTENT_TYPE)
        response["WWW-Authenticate"] = 'Bearer realm="welcome-service metrics"'
        return response
    return HttpResponse(_render_figures(welcome_service_figures()), content_type=CONTENT_TYPE)


def _render_figures(figures):
    lines = []
    for name, kind, help_text, value in figures:
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} {kind}")
        if isinstance(value, dict):
            for label, number in sorted(value.items()):
                lines.append(f'{name}{{status="{label}"}} {number}')
        else:
            lines.append(f"{name} {value}")
    return "\n".join(lines) + "\n"


def render_metrics():
    lines = []
    totals = stats.totals()

    lines += [
        "# HELP willkommen_http_requests_total HTTP requests answered, by status class.",
        "# TYPE willkommen_http_requests_total counter",
    ]
    for name in STATUS_CLASSES:
        value = totals[f"requests:{name}"]
        lines.append(f'willkommen_http_requests_total{{status="{name}"}} {value}')

    lines += [
        "# HELP willkommen_http_request_duration_seconds Time to answer a request.",
        "# TYPE willkommen_http_request_duration_seconds histogram",
    ]
    cumulative = 0
    for label in BUCKET_LABELS:
        cumulative += totals[f"bucket:{label}"]
        lines.append(
            f'willkommen_http_request_duration_seconds_bucket{{le="{label}"}} {cumulative}'
        )
    lines.append(
        f"willkommen_http_request_duration_seconds_sum {totals['latency_sum_us'] / 1_000_000}"
    )
    lines.append(f"willkommen_http_request_duration_seconds_count {totals['latency_count']}")

    return "\n".join(lines) + "\n" + _render_figures(business_figures())


def business_figures():
    """(name, type, help, value or {status: value}) read from the database: office
    appointments exactly as the office calendar shows them (not the ones held elsewhere,
    which exist only because of a consultation; not holds or unconfirmed bookings)."""
    office = Appointment.objects.for_office_calendar()
    return [
        (
            "willkommen_appointments_created_total",
            "counter",
            "Office appointments ever booked (as the office calendar shows them).",
            office.count(),
        ),
        (
            "willkommen_appointments_cancelled_total",
            "counter",
            "Office appointments cancelled.",
            office.filter(cancelled_at__isnull=False).count(),
        ),
        (
            "willkommen_appointments",
            "gauge",
            "Office appointments by current status.",
            _by_status(office.values("status").annotate(n=Count("pk"))),
        ),
        (
            "willkommen_task_queue_length",
            "gauge",
            "Background tasks waiting to be run.",
            task_queue_length(),
        ),
    ]


def welcome_service_figures():
    """The welcome service's figures; never in the operations scope (see the module)."""
    return [
        (
            "willkommen_consultation_bookings_created_total",
            "counter",
            "Consultations booked together with an appointment.",
            ConsultationBooking.objects.count(),
        ),
        (
            "willkommen_consultation_bookings_cancelled_total",
            "counter",
            "Booked consultations cancelled.",
            ConsultationBooking.objects.filter(cancelled_at__isnull=False).count(),
        ),
        (
            "willkommen_consultation_bookings_without_counsellor",
            "gauge",
            "Booked consultations still to come that no counsellor has taken yet.",
            ConsultationBooking.objects.unassigned().filter(end__gt=timezone.now()).count(),
        ),
        (
            "willkommen_external_appointments_created_total",
            "counter",
            "Consultations placed around office appointments held in another system.",
            Appointment.objects.filter(is_external=True).count(),
        ),
        (
            "willkommen_walkins_waiting",
            "gauge",
            "Walk-in tickets waiting in the waiting area.",
            Ticket.objects.filter(status=TicketStatus.WAITING).count(),
        ),
    ]


def _by_status(rows):
    return {row["status"]: row["n"] for row in rows}


def task_queue_length():
    """Tasks ready to run in the configured backend's queue(s); -1 if it cannot be read."""
    backend = settings.TASKS["default"]["BACKEND"]
    try:
        if backend.startswith("django_tasks_db"):
            return DBTaskResult.objects.ready().count()
        if backend.startswith("django_tasks_rq"):
            queues = settings.TASKS["default"].get("QUEUES", ["default"])
            return sum(django_rq.get_queue(name).count for name in queues)
    except Exception:
        return -1
    return 0
