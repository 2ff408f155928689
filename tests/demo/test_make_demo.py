"""``make demo`` end to end, as the README tells a newcomer to run it: on a free port and a
fresh var/ directory. The site answers with its own pages and static files, /metrics with
the printed tokens; a booking's e-mail and SMS appear readably on the same console with
links to this port, and the link opens the booking. A second start takes seconds.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from django.utils import timezone

from willkommen.settings import demo as demo_settings

ROOT = Path(__file__).resolve().parents[2]
MAKE = shutil.which("make")
pytestmark = pytest.mark.skipif(
    MAKE is None and not os.environ.get("CI"), reason="make is not installed"
)
FIRST_START_SECONDS = 300
SECOND_START_SECONDS = 60


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_environment(var_dir):
    """What a newcomer's shell has: no database, cache or settings of the test run."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(var_dir)),
        "LANG": "C.UTF-8",
        "WILLKOMMEN_VAR_DIR": str(var_dir),
        "PYTHONUNBUFFERED": "1",
    }


class Demo:
    """``make demo PORT=...`` in its own process group, its console collected."""

    def __init__(self, port, var_dir):
        self.port, self.var_dir, self.lines = port, var_dir, []
        self.process = subprocess.Popen(
            [MAKE, "-s", "demo", f"PORT={port}"],
            cwd=ROOT,
            env=clean_environment(var_dir),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in self.process.stdout:
            self.lines.append(raw.decode("utf-8", "replace"))

    @property
    def console(self):
        return "".join(self.lines)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path, headers=None):
        response = httpx.get(self.url(path), headers=headers or {}, timeout=30)
        return response.status_code, response.text

    def post_json(self, path, body, headers):
        response = httpx.post(self.url(path), json=body, headers=headers, timeout=30)
        return response.status_code, response.json()

    def wait_until_serving(self, timeout):
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            assert self.process.poll() is None, f"make demo ended:\n{self.console}"
            try:
                if self.get("/healthz")[0] == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        raise AssertionError(f"make demo did not serve within {timeout} s:\n{self.console}")

    def wait_for(self, pattern, timeout=60):
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            match = re.search(pattern, self.console)
            if match:
                return match
            time.sleep(0.3)
        raise AssertionError(f"not on the console: {pattern}\n{self.console}")

    def stop(self):
        """Ctrl-C, as a user would: make, the server and the worker all end."""
        group = os.getpgid(self.process.pid)
        os.killpg(group, signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        finally:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    os.killpg(group, 0)
                except ProcessLookupError:
                    return
                time.sleep(0.2)
            os.killpg(group, signal.SIGKILL)
            raise AssertionError("a process of make demo outlived Ctrl-C")


def issue_api_key(var_dir):
    """An operator-issued key for a partner system, so that the test books without the
    captcha, as a city portal would."""
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from willkommen.booking.models import ApiKey; print(ApiKey.issue('e2e')[1])",
        ],
        cwd=ROOT,
        env={**clean_environment(var_dir), "DJANGO_SETTINGS_MODULE": "willkommen.settings.demo"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return result.stdout.strip().splitlines()[-1]


def book(demo, api_key, contact, nth=0):
    """A booking with a consultation in Arabic through the API, at the ``nth`` start that
    offers one; ``contact`` is {"email": …} or {"phone": …}."""
    services = demo.get("/api/v1/services")
    service = json.loads(services[1])[0]["id"]
    first = timezone.localdate() + timedelta(days=1)
    query = (
        f"/api/v1/availability?service={service}&date_from={first}"
        f"&date_to={first + timedelta(days=20)}&language=ar"
    )
    slots = json.loads(demo.get(query)[1])["slots"]
    slot = [slot for slot in slots if slot["consultation_available"]][nth]
    status, booking = demo.post_json(
        "/api/v1/bookings",
        {
            "service": service,
            "start": slot["start"],
            "name": "Layla Test",
            **contact,
            "consultation": {"language": "ar", "topics": ["work"], "interpreter": False},
            "language": "ar",
        },
        {"X-Api-Key": api_key},
    )
    assert status == 201, booking
    return booking


@pytest.fixture
def var_dir(tmp_path):
    return tmp_path / "var"


def test_make_demo_on_another_port_end_to_end(var_dir):
    port = free_port()
    demo = Demo(port, var_dir)
    try:
        seconds = demo.wait_until_serving(FIRST_START_SECONDS)
        print(f"first start: {seconds:.1f} s")
        console = demo.console
        assert "willkommen-demo" in console  # the demo password
        assert f"Bearer {demo_settings.METRICS_TOKEN}" in console
        assert f"Bearer {demo_settings.METRICS_WELCOME_SERVICE_TOKEN}" in console
        assert f"http://127.0.0.1:{port}/" in console

        # The site's own pages, static files served without DEBUG.
        status, page = demo.get("/")
        assert status == 200
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page)[1]
        assert demo.get(stylesheet)[0] == 200
        status, missing = demo.get("/no-such-page/")
        assert status == 404
        assert "Seite nicht gefunden" in missing and "URLconf" not in missing

        # /metrics with the printed tokens, each only with its own.
        ops, figures = demo_settings.METRICS_TOKEN, demo_settings.METRICS_WELCOME_SERVICE_TOKEN
        assert demo.get("/metrics", {"Authorization": f"Bearer {ops}"})[0] == 200
        assert demo.get("/metrics")[0] == 403
        path = "/metrics/welcome-service"
        assert demo.get(path, {"Authorization": f"Bearer {figures}"})[0] == 200
        assert demo.get(path, {"Authorization": f"Bearer {ops}"})[0] != 200

        # The worker prints the booking's e-mail and SMS on this console.
        api_key = issue_api_key(var_dir)
        booking = book(demo, api_key, {"email": "layla.e2e@example.org"})
        by_sms = book(demo, api_key, {"phone": "0151 23456789"}, nth=1)
        demo.wait_for(r"To:\s+layla\.e2e@example\.org")
        demo.wait_for(r"SMS to \+4915123456789")
        for made in (booking, by_sms):  # the link in the e-mail, and in the SMS
            link = rf"http://127\.0\.0\.1:{port}/book/manage/{made['code']}/\?token=[^\s&]+&lang=ar"
            assert re.findall(link, demo.console), demo.console
        link = rf"http://127\.0\.0\.1:{port}/book/manage/{booking['code']}/\?token=[^\s&]+&lang=ar"
        links = re.findall(link, demo.console)
        # A browser: the token moves into the session and the page opens at the clean address.
        with httpx.Client(follow_redirects=True, timeout=30) as browser:
            manage = browser.get(links[0])
        assert manage.status_code == 200 and booking["code"] in manage.text
        assert "token=" not in str(manage.url)
        assert "Traceback" not in demo.console
    finally:
        demo.stop()

    again = Demo(port, var_dir)
    try:
        seconds = again.wait_until_serving(SECOND_START_SECONDS)
        print(f"second start: {seconds:.1f} s")
        assert "Master data: 0 created, 0 updated" in again.console
    finally:
        again.stop()
