"""A ZMS citizen API on a free loopback port, started by the tests.

It answers ``GET <base>/appointment/?processId=…&authKey=…`` as
``zms_citizen_api.schema.json`` describes it (our own description of the ZMS document,
with its sources). **Every answer it gives from the document is validated against that
schema** before it is sent; a violation is recorded and fails the test
(``violations``). Every request is recorded (``requests``) and checked against the
schema's ``request`` part (``request_violations``): that is how the tests prove that the
adapter sends nothing but the reference and the secret.

Faults — what a real system does outside its document — are switched on explicitly and
are named as such (``FAULTS``): a hang longer than the adapter's timeout, malformed JSON,
an HTML error page, a redirect, an answer for another process, an unknown status.
"""

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jsonschema_rs

SCHEMA = json.loads(Path(__file__).with_name("zms_citizen_api.schema.json").read_text())
ANSWER = jsonschema_rs.validator_for(SCHEMA)
REQUEST = jsonschema_rs.validator_for(
    {"$schema": SCHEMA["$schema"], "$defs": SCHEMA["$defs"], "$ref": "#/$defs/request"}
)
# Answers in the document (validated) that the tests may force.
DOCUMENTED = {
    "429": (429, "rateLimitExceeded", "Rate limit exceeded. Please try again later."),
    "500": (500, "internalError", "An internal error occurred. Please try again later."),
    "503": (503, "zmsClientCommunicationError", "The service is temporarily unavailable."),
}
# Answers outside the document (never validated: they are the point of the test).
FAULTS = {"hang", "malformed", "html404", "redirect", "other_process", "unknown_status"}
BASE_PATH = "/api/citizen"


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client that gave up (the adapter's timeout) is expected, not an error."""


@dataclass
class Process:
    process_id: int
    auth_key: str
    start: datetime
    slot_count: int | None = 2
    status: str = "confirmed"
    office_id: int = 10489
    gone: bool = False  # cancelled and deleted: the API answers appointmentNotFound


@dataclass
class Recorded:
    method: str
    path: str
    query: dict
    headers: dict
    body: str


@dataclass
class ZmsCitizenApi:
    processes: dict = field(default_factory=dict)
    requests: list = field(default_factory=list)
    answers: list = field(default_factory=list)
    violations: list = field(default_factory=list)
    request_violations: list = field(default_factory=list)
    mode: str | None = None  # a DOCUMENTED key or a FAULT
    wrapped: bool = True  # {"meta", "data"} as swagger.yaml, or the process itself
    hang_seconds: float = 2.0
    port: int = 0

    # -- Set-up --------------------------------------------------------------------------

    def add(self, process_id, auth_key, start, **fields) -> Process:
        process = Process(process_id, auth_key, start, **fields)
        self.processes[process_id] = process
        return process

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{BASE_PATH}"

    def start(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _record(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode(errors="replace") if length else ""
                parts = urlsplit(self.path)
                recorded = Recorded(
                    self.command,
                    parts.path,
                    parse_qs(parts.query, keep_blank_values=True),
                    {name.lower(): value for name, value in self.headers.items()},
                    body,
                )
                service.requests.append(recorded)
                errors = [
                    error.message
                    for error in REQUEST.iter_errors(
                        {
                            "method": recorded.method,
                            "path": recorded.path,
                            "query": recorded.query,
                            "body": recorded.body,
                        }  # fmt: skip
                    )
                ]
                if errors:
                    service.request_violations.append((recorded, errors))
                return recorded

            def do_GET(self):  # noqa: N802 - the standard library's name
                service._answer(self, self._record())

            def do_POST(self):  # noqa: N802
                self._record()
                service._send(self, 405, b"", "text/plain")

            do_PUT = do_PATCH = do_DELETE = do_POST  # noqa: N815

        self._server = QuietServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    # -- Answers -------------------------------------------------------------------------

    def _send(self, handler, status, payload: bytes, content_type="application/json", **headers):
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(payload)

    def _document(self, handler, status, body):
        """An answer from the document: validated against the schema before it leaves."""
        errors = [error.message for error in ANSWER.iter_errors({"status": status, "body": body})]
        if errors:
            self.violations.append((status, body, errors))
        self.answers.append((status, body))
        self._send(handler, status, json.dumps(body).encode())

    def _error(self, handler, status, code, message, kind="error"):
        body = {"errors": [{"errorCode": code, "errorMessage": message, "statusCode": status,
                            "errorType": kind}]}  # fmt: skip
        self._document(handler, status, body)

    def _process_json(self, process: Process) -> dict:
        return {
            "processId": process.process_id,
            "authKey": process.auth_key,
            "timestamp": str(int(process.start.timestamp())),
            "familyName": "Mustermann",
            "email": "max@example.org",
            "officeId": process.office_id,
            "officeName": "Ausländerbehörde",
            "serviceId": 1063424,
            "serviceName": "Aufenthaltserlaubnis",
            "serviceCount": 1,
            "slotCount": process.slot_count,
            "status": process.status,
            "scope": {"id": 1, "shortName": "ABH"},
        }

    def _answer(self, handler, recorded: Recorded):
        mode = self.mode
        if mode == "hang":
            time.sleep(self.hang_seconds)
            return self._send(handler, 200, b"{}")
        if mode == "html404" or recorded.path != f"{BASE_PATH}/appointment/":
            return self._send(handler, 404, b"<html><h1>Not Found</h1></html>", "text/html")
        if mode == "redirect":
            return self._send(handler, 302, b"", "text/plain", Location="https://login.example/")
        if mode == "malformed":
            return self._send(handler, 200, b'{"processId": 1001, "timestamp": ')
        if mode in DOCUMENTED:
            return self._error(handler, *DOCUMENTED[mode])
        process_ids = recorded.query.get("processId") or [""]
        auth_keys = recorded.query.get("authKey") or [""]
        if not process_ids[0].isdigit():
            return self._error(handler, 400, "invalidProcessId", "processId should be a "
                               "positive 32-bit integer.", "warning")  # fmt: skip
        if not auth_keys[0]:
            return self._error(handler, 400, "invalidAuthKey", "authKey should be a string.",
                               "warning")  # fmt: skip
        process = self.processes.get(int(process_ids[0]))
        if process is None or process.gone:
            return self._error(handler, 404, "appointmentNotFound", "Maybe you have already "
                               "canceled your appointment?")  # fmt: skip
        if process.auth_key != auth_keys[0]:
            return self._error(handler, 406, "authKeyMismatch", "Invalid authentication key.",
                               "warning")  # fmt: skip
        body = self._process_json(process)
        if mode == "other_process":
            body["processId"] = process.process_id + 1
            return self._send(handler, 200, json.dumps(body).encode())
        if mode == "unknown_status":
            body["status"] = "teleported"
            return self._send(handler, 200, json.dumps(body).encode())
        if self.wrapped:
            body = {"meta": {"error": False, "generated": "2026-12-04T06:00:00+01:00"},
                    "data": body}  # fmt: skip
        return self._document(handler, 200, body)
