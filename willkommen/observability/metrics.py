"""``GET /metrics`` in the Prometheus text format (version 0.0.4).

Request figures come from :mod:`.request_stats`; business figures (bookings, walk-ins,
background queue) are read from the database at scrape time, so they are exact and the
same whichever server answers. Never public: it answers only to ``Authorization: Bearer
<METRICS_TOKEN>`` or to a client address in ``METRICS_ALLOWED_IPS``; with neither set it
is switched off (404).
"""

import hmac
import ipaddress

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .request_stats import BUCKET_LABELS, STATUS_CLASSES, stats

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def is_allowed(request):
    token = getattr(settings, "METRICS_TOKEN", "") or ""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    presented = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
    if token and presented and hmac.compare_digest(presented.encode(), token.encode()):
        return True
    networks = getattr(settings, "METRICS_ALLOWED_IPS", []) or []
    if networks:
        try:
            address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
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

    for name, kind, help_text, value in business_figures():
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} {kind}")
        if isinstance(value, dict):
            for label, number in sorted(value.items()):
                lines.append(f'{name}{{status="{label}"}} {number}')
        else:
            lines.append(f"{name} {value}")
    return "\n".join(lines) + "\n"


def business_figures():
    """(name, type, help, value or {status: value}) read from the database."""
    from django.db.models import Count

    from willkommen.booking.models import Appointment, ConsultationBooking
    from willkommen.walkins.models import Ticket, TicketStatus

    figures = [
        (
            "willkommen_appointments_created_total",
            "counter",
            "Office appointments ever created (online and at the counter).",
            Appointment.objects.count(),
        ),
        (
            "willkommen_appointments_cancelled_total",
            "counter",
            "Office appointments cancelled.",
            Appointment.objects.filter(cancelled_at__isnull=False).count(),
        ),
        (
            "willkommen_appointments",
            "gauge",
            "Office appointments by current status.",
            _by_status(Appointment.objects.values("status").annotate(n=Count("pk"))),
        ),
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
            "willkommen_walkins_waiting",
            "gauge",
            "Walk-in tickets waiting in the waiting area.",
            Ticket.objects.filter(status=TicketStatus.WAITING).count(),
        ),
        (
            "willkommen_task_queue_length",
            "gauge",
            "Background tasks waiting to be run.",
            task_queue_length(),
        ),
    ]
    return figures


def _by_status(rows):
    return {row["status"]: row["n"] for row in rows}


def task_queue_length():
    """Tasks ready to run in the configured backend's queue(s); -1 if it cannot be read."""
    backend = settings.TASKS["default"]["BACKEND"]
    try:
        if backend.startswith("django_tasks_db"):
            from django_tasks_db.models import DBTaskResult

            return DBTaskResult.objects.ready().count()
        if backend.startswith("django_tasks_rq"):
            import django_rq

            queues = settings.TASKS["default"].get("QUEUES", ["default"])
            return sum(django_rq.get_queue(name).count for name in queues)
    except Exception:
        return -1
    return 0
