"""A small reverse proxy in front of the test server that compresses like production.

The test server sends everything uncompressed. In production nginx sits in front
(docs/deploy.md): it serves ``/static/`` from the collectstatic output, where whitenoise's
``CompressedManifestStaticFilesStorage`` has written a gzip copy of every text file at
level 9 (``gzip_static on``), and compresses the pages and JSON on the fly at nginx's
default level 1. This proxy does the same, so the browser's own byte counts and its
network throttling see what a client of a real installation receives.

Playwright's ``route.fulfill`` cannot stand in for it: fulfilled responses bypass Chromium's
network throttling."""

import gzip
import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "content-encoding",
    "proxy-connection",
    "upgrade",
}
STATIC_LEVEL = 9  # whitenoise's precompressed files
DYNAMIC_LEVEL = 1  # nginx's gzip_comp_level default


def compression_level(path, content_type):
    if not content_type.startswith(COMPRESSIBLE):
        return None
    return STATIC_LEVEL if path.startswith("/static/") else DYNAMIC_LEVEL


class CompressingProxy(BaseHTTPRequestHandler):
    upstream = None  # (host, port), set per server
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def _forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        headers.pop("Accept-Encoding", None)
        connection = http.client.HTTPConnection(*self.server.upstream, timeout=60)
        try:
            connection.request(self.command, self.path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            reply_headers = [
                (k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP
            ]
        finally:
            connection.close()
        level = compression_level(
            urlsplit(self.path).path, response.getheader("Content-Type") or ""
        )
        accepts_gzip = "gzip" in (self.headers.get("Accept-Encoding") or "")
        if level is not None and accepts_gzip and payload and self.command != "HEAD":
            payload = gzip.compress(payload, compresslevel=level, mtime=0)
            reply_headers += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
        self.send_response(response.status, response.reason)
        for key, value in reply_headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_HEAD = _forward


def start(upstream_url):
    """Starts the proxy for ``upstream_url``; returns (its URL, a function that stops it)."""
    parts = urlsplit(upstream_url)
    server = ThreadingHTTPServer(("127.0.0.1", 0), CompressingProxy)
    server.daemon_threads = True
    server.upstream = (parts.hostname, parts.port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()

    return f"http://localhost:{server.server_address[1]}", stop
