"""Structured logs, request ids, the /metrics endpoint and the 503 on database outages."""

import json
import logging
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.utils import timezone

from tests.booking.conftest import make_world
from willkommen.booking.models import Appointment, AppointmentStatus
from willkommen.observability.json_logging import JsonFormatter, RequestIdFilter
from willkommen.observability.middleware import DatabaseUnavailableMiddleware
from willkommen.observability.request_stats import stats

pytestmark = pytest.mark.django_db

TOKEN = "metrics-test-token-0123456789"


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    stats.reset()
    yield
    cache.clear()


def _metric(text, name, labels=""):
    match = re.search(rf"^{re.escape(name + labels)} (\S+)$", text, re.MULTILINE)
    assert match, f"{name}{labels} missing from /metrics"
    return float(match.group(1))


def test_json_formatter_writes_one_object_per_line_with_extras_and_exception():
    record = logging.LogRecord(
        "willkommen.x", logging.ERROR, __file__, 1, "hello %s", ("you",), None
    )
    record.booking_code = "ABC123"
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    RequestIdFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line.strip() or line.count("\n") == line.count("\\n")
    entry = json.loads(line)
    assert entry["message"] == "hello you"
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "willkommen.x"
    assert entry["request_id"] == "-"
    assert entry["booking_code"] == "ABC123"
    assert "ValueError: boom" in entry["exception"]
    assert entry["time"].endswith("+00:00")


def test_log_format_json_is_selected_by_environment(monkeypatch):
    import subprocess
    import sys

    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('willkommen.test').warning('structured', extra={'n': 3})"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "willkommen.settings.test",
        "LOG_FORMAT": "json",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert entry["message"] == "structured" and entry["n"] == 3


def test_request_id_is_generated_and_echoed(client, caplog):
    with caplog.at_level(logging.INFO, logger="willkommen.request"):
        response = client.get("/healthz")
    generated = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    line = [r for r in caplog.records if r.name == "willkommen.request"][-1]
    assert line.request_id == generated and line.status == 200 and line.path == "/healthz"

    response = client.get("/healthz", HTTP_X_REQUEST_ID="proxy-id-12345678")
    assert response["X-Request-ID"] == "proxy-id-12345678"
    # A header that could forge log lines is replaced, not repeated.
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad\nid injected")
    assert response["X-Request-ID"] != "bad\nid injected"


def test_metrics_are_off_unless_configured(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = []
    assert client.get("/metrics").status_code == 404


def test_metrics_need_the_token_or_an_allowed_address(client, settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_IPS = []
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ünïcode").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200

    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="192.168.1.5").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200


def test_metrics_count_requests_errors_and_latency(client, settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_IPS = []
    auth = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
    for _ in range(3):
        client.get("/healthz")
    client.get("/does-not-exist/")
    text = client.get("/metrics", **auth).content.decode()
    assert _metric(text, "willkommen_http_requests_total", '{status="2xx"}') == 3
    assert _metric(text, "willkommen_http_requests_total", '{status="4xx"}') == 1
    assert _metric(text, "willkommen_http_requests_total", '{status="5xx"}') == 0
    assert _metric(text, "willkommen_http_request_duration_seconds_count") == 4
    assert _metric(text, "willkommen_http_request_duration_seconds_bucket", '{le="+Inf"}') == 4
    buckets = [float(v) for v in re.findall(r'_bucket\{le="[^"]+"\} (\S+)', text)]
    assert buckets == sorted(buckets), "histogram buckets must be cumulative"
    # The scrape itself is counted for the next scrape.
    text = client.get("/metrics", **auth).content.decode()
    assert _metric(text, "willkommen_http_requests_total", '{status="2xx"}') == 4


@pytest.mark.django_db
def test_metrics_report_bookings_walkins_and_queue(client, settings, organisations, make_staff):
    settings.METRICS_TOKEN = TOKEN
    world = make_world(organisations, make_staff)
    start = timezone.now() + timedelta(days=3)
    for index, status in enumerate(
        [AppointmentStatus.BOOKED, AppointmentStatus.BOOKED, AppointmentStatus.CANCELLED]
    ):
        Appointment.objects.create(
            location=world.location,
            service=world.service,
            desk=world.desks[index % 2],
            start=start + timedelta(hours=index),
            end=start + timedelta(hours=index, minutes=20),
            status=status,
            cancelled_at=timezone.now() if status == AppointmentStatus.CANCELLED else None,
        )
    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert _metric(text, "willkommen_appointments_created_total") == 3
    assert _metric(text, "willkommen_appointments_cancelled_total") == 1
    assert _metric(text, "willkommen_appointments", '{status="booked"}') == 2
    assert _metric(text, "willkommen_task_queue_length") >= 0
    # Nothing of the welcome service in the operations scope (secrecy).
    assert "consultation" not in text and "walkins" not in text and "external" not in text


def test_welcome_service_figures_need_their_own_token(client, settings, organisations, make_staff):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_IPS = ["127.0.0.0/8"]
    url = "/metrics/welcome-service"
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 404
    settings.METRICS_WELCOME_SERVICE_TOKEN = "welcome-service-token-0123456789"
    # Neither the operations token nor an allowed address opens it.
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 403
    assert client.get(url, REMOTE_ADDR="127.0.0.1").status_code == 403
    text = client.get(
        url, HTTP_AUTHORIZATION="Bearer welcome-service-token-0123456789"
    ).content.decode()
    assert _metric(text, "willkommen_consultation_bookings_created_total") == 0
    assert _metric(text, "willkommen_consultation_bookings_without_counsellor") == 0
    assert _metric(text, "willkommen_walkins_waiting") == 0


@pytest.mark.django_db
def test_task_queue_length_counts_ready_database_tasks(settings):
    from django_tasks_db.models import DBTaskResult

    from willkommen.observability.metrics import task_queue_length

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert task_queue_length() == 0
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        priority=0,
        task_path="willkommen.booking.tasks.send_reminders",
        queue_name="default",
        backend_name="default",
        run_after=timezone.now() - timedelta(seconds=1),
    )
    assert task_queue_length() == 1


def test_database_outage_answers_503_with_retry_after(rf):
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    api = middleware.process_exception(rf.get("/api/v1/x"), OperationalError("down"))
    assert api.status_code == 503 and api["Retry-After"]
    assert json.loads(api.content)["code"] == "service_unavailable"
    page = middleware.process_exception(rf.get("/book/"), OperationalError("down"))
    assert page.status_code == 503 and b"<h1>" in page.content
    assert middleware.process_exception(rf.get("/"), ValueError("other")) is None


@pytest.mark.django_db
def test_view_losing_the_database_gives_503_not_500(client, monkeypatch):
    from willkommen.pages import views

    def broken(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views.Location.objects, "filter", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
