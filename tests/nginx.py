"""A real nginx (Debian's ``/usr/sbin/nginx``) in front of a test server, configured like
the ``location /`` of docs/deploy.md, on a free loopback port with everything (pid, logs,
temporary files) in a directory of the test's own.

``proxy_bind`` makes nginx connect to the application from an address of its own, so that
the proxy (e.g. 127.0.0.2) differs from the clients (127.0.0.5, 127.0.0.6, …): on Linux
the whole of 127.0.0.0/8 is local without any set-up.

Without nginx the tests are skipped with the reason; with ``CI`` set they fail instead.
"""

import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

CONFIG = """
daemon off;
master_process on;
worker_processes 1;
{user}
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {root}/access.log;
    client_body_temp_path {root}/client_body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{upstream_port};
            proxy_bind {bind};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Request-ID $request_id;
            proxy_read_timeout 35s;
        }}
    }}
}}
"""


def nginx_binary() -> str:
    """The nginx executable; skips (fails in CI) when there is none."""
    path = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not path:
        reason = "nginx is not installed (apt-get install nginx)"
        if os.environ.get("CI"):
            pytest.fail(f"the reverse-proxy tests need nginx in CI: {reason}")
        pytest.skip(reason)
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, process, root: Path, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    log = (root / "error.log").read_text() if (root / "error.log").exists() else ""
    raise RuntimeError(f"nginx did not start on port {port}: {log}")


@contextmanager
def running_nginx(upstream_port: int, root: Path, bind="127.0.0.2"):
    """Yields ``http://127.0.0.1:<port>``, nginx proxying to ``upstream_port`` from the
    address ``bind``."""
    binary = nginx_binary()
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    # As root, nginx's workers would switch to "nobody", who cannot write here.
    user = "user root;" if os.geteuid() == 0 else ""
    config = root / "nginx.conf"
    config.write_text(
        CONFIG.format(user=user, root=root, port=port, upstream_port=upstream_port, bind=bind)
    )
    process = subprocess.Popen(
        [binary, "-p", str(root), "-c", str(config), "-e", str(root / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(port, process, root)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
