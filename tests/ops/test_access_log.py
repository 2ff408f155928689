"""Access logs keep no link tokens: a real gunicorn started with the shipped
``deploy/gunicorn.conf.py``, and a real nginx with the shipped ``log_format``
(``deploy/nginx-access-log.conf``, quoted in docs/deploy.md) in front of it, each writing
its access log to a temporary file, are asked for a manage link with its token (and other
places a token shows up: the referer, an encoded ``next``, the API's ``?token=``). The
logs name every request and contain no token. Controls: the same gunicorn without the
configuration, and nginx with its default ``combined`` format, log the token.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from willkommen.observability.access_log import redact

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

MAKE_BOOKING = """
import django, json
django.setup()
from datetime import timedelta
from django.utils import timezone
from willkommen.booking.models import Appointment, AppointmentStatus
from willkommen.booking.tokens import make_manage_token
from willkommen.organisations.models import Location, Organisation, OrganisationKind
office = Organisation.objects.create(
    name="Office", short_name="ABH", kind=OrganisationKind.IMMIGRATION_OFFICE
)
location = Location.objects.create(
    name="Center", office=office, street="Am Markt 1", postal_code="30159",
    city="Hannover", federal_state="NI",
)
start = timezone.now() + timedelta(days=2)
appointment = Appointment.objects.create(
    location=location, start=start, end=start + timedelta(minutes=20),
    status=AppointmentStatus.BOOKED, name="Layla", email="layla@example.org",
)
print(json.dumps([appointment.code, make_manage_token(appointment)]))
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def app_env(database):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="willkommen.settings.test",
        DATABASE_URL=f"sqlite:///{database}",
        PYTHONPATH=str(ROOT),
    )
    return env


@pytest.fixture(scope="module")
def booked(tmp_path_factory):
    """A migrated database of its own with one booking: (database, code, token)."""
    database = tmp_path_factory.mktemp("access-log") / "db.sqlite3"
    env = app_env(database)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    made = subprocess.run(
        [sys.executable, "-c", MAKE_BOOKING],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    code, token = __import__("json").loads(made.stdout.strip().splitlines()[-1])
    return database, code, token


def start_gunicorn(database, log, *, configured):
    port = free_port()
    command = [sys.executable, "-m", "gunicorn"]
    if configured:
        command += ["-c", str(ROOT / "deploy" / "gunicorn.conf.py")]
    command += [
        "--access-logfile",
        str(log),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "willkommen.wsgi",
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, env=app_env(database), stderr=subprocess.PIPE, text=True
    )
    wait_for(port, process)
    return process, port


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(port, path, referer=None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if referer:
        request.add_header("Referer", referer)
    try:
        with OPENER.open(request, timeout=30) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def requests_with_the_token(port, code, token):
    """The manage link, and three other places where its token can appear."""
    manage = f"/book/manage/{code}/"
    status, headers = fetch(port, f"{manage}?token={token}&lang=de")
    assert status == 302 and headers["Location"] == f"{manage}?lang=de"
    fetch(port, "/offers/", referer=f"http://127.0.0.1:{port}{manage}?lang=de&token={token}")
    fetch(port, f"/staff/login/?next=%2Fbook%2Fmanage%2F{code}%2F%3Ftoken%3D{token}")
    fetch(port, f"/api/v1/bookings/{code}/calendar.ics?token={token}")
    return ["/book/manage/", "/offers/", "/staff/login/", "/calendar.ics"]


def read_log(log, expected_lines, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text() if log.exists() else ""
        if len(text.splitlines()) >= expected_lines:
            return text
        time.sleep(0.1)
    return log.read_text() if log.exists() else ""


def test_gunicorn_with_the_shipped_configuration_logs_no_token(booked, tmp_path):
    database, code, token = booked
    log = tmp_path / "access.log"
    process, port = start_gunicorn(database, log, configured=True)
    try:
        paths = requests_with_the_token(port, code, token)
    finally:
        stop(process)
    text = read_log(log, len(paths))
    for path in paths:
        assert path in text, text
    assert token not in text and token.split(":")[-1] not in text
    assert text.count("token=[hidden]") >= 2 and "token%3D[hidden]" in text


def test_control_gunicorn_without_the_configuration_logs_the_token(booked, tmp_path):
    database, code, token = booked
    log = tmp_path / "access.log"
    process, port = start_gunicorn(database, log, configured=False)
    try:
        requests_with_the_token(port, code, token)
    finally:
        stop(process)
    assert token in read_log(log, 4)


NGINX_CONF = """
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    {log_format}
    server {{
        listen 127.0.0.1:{port};
        access_log {tmp}/access.log {format_name};
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Request-ID $request_id;
        }}
    }}
}}
"""


def run_nginx(tmp_path, upstream, *, shipped):
    if NGINX is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is missing (apt-get install nginx)")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    port = free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            tmp=tmp_path,
            port=port,
            upstream=upstream,
            log_format=f"include {ROOT / 'deploy' / 'nginx-access-log.conf'};" if shipped else "",
            format_name="willkommen" if shipped else "combined",
        )
    )
    process = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(conf)], stderr=subprocess.PIPE, text=True
    )
    wait_for(port, process)
    return process, port


@pytest.mark.parametrize("shipped", [True, False], ids=["shipped-log-format", "control-combined"])
def test_nginx_with_the_shipped_log_format_logs_no_token(booked, tmp_path, shipped):
    database, code, token = booked
    gunicorn, upstream = start_gunicorn(database, tmp_path / "gunicorn.log", configured=True)
    try:
        nginx, port = run_nginx(tmp_path, upstream, shipped=shipped)
        try:
            paths = requests_with_the_token(port, code, token)
        finally:
            stop(nginx)
    finally:
        stop(gunicorn)
    text = read_log(tmp_path / "access.log", len(paths))
    if not shipped:
        assert token in text  # Control: nginx's default format keeps it.
        return
    for path in paths:
        assert path in text, text
    assert token not in text and "[query hidden]" in text


def test_the_documented_nginx_log_format_is_the_shipped_one():
    """docs/deploy.md quotes deploy/nginx-access-log.conf; they must not drift apart."""
    shipped = (ROOT / "deploy" / "nginx-access-log.conf").read_text().strip()
    assert shipped in (ROOT / "docs" / "deploy.md").read_text()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "GET /book/manage/AB/?token=eyJj:1x:sig HTTP/1.1",
            "GET /book/manage/AB/?token=[hidden] HTTP/1.1",
        ),
        ("/x/?lang=de&token=abc&day=1", "/x/?lang=de&token=[hidden]&day=1"),
        ("/x/?TOKEN=abc#top", "/x/?TOKEN=[hidden]#top"),
        ("next=%2Fa%3Ftoken%3Dabc%26lang%3Dde", "next=%2Fa%3Ftoken%3D[hidden]%26lang%3Dde"),
        ('"http://h/?token=abc" "agent"', '"http://h/?token=[hidden]" "agent"'),
        ("/book/?lang=de", "/book/?lang=de"),
    ],
)
def test_redact_hides_every_token_value(line, expected):
    assert redact(line) == expected
