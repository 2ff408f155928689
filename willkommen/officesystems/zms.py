"""ZMS / eAppointment (Berlin, Munich): the citizen API (it-at-m/eappointment,
``zmscitizenapi``).

One read call, the one the ZMS citizen front end makes to show a booked appointment:
``GET {base_url}/appointment/?processId=<reference>&authKey=<secret>`` (route
``/appointment/`` in ``zmscitizenapi/routing.php``; documented in
``zmscitizenapi/public/doc/swagger.yaml``). The part we use — paths, fields, status codes —
is described in our own schema, ``tests/officesystems/zms_citizen_api.schema.json``; the
tests run this adapter against a local service that answers as it says.

* 200: the appointment ("thinned process"), either as it is or inside ``{"meta", "data"}``
  as the swagger document wraps it. ``timestamp`` (seconds since the epoch, a string) is
  the start; the end is ``slotCount`` × the location's minutes per slot, or the
  configured default length. ``officeId`` names the office.
* 400/404/406 with ``{"errors": [{"errorCode": …}]}``: ``appointmentNotFound`` (also what
  a cancelled appointment answers) and ``invalidProcessId`` → not found;
  ``authKeyMismatch`` and ``invalidAuthKey`` → wrong secret.
* 429 and 5xx, timeouts, no connection → unreachable (try again later); anything else —
  a redirect, an HTML page, malformed JSON, a 404 without ZMS's error code — is a bad
  answer. Neither is ever taken for a cancellation.

The request carries the process id and the authKey and nothing else (and, if the operator
configured them, the credentials from the environment as ``Authorization``).
"""

import json
from datetime import UTC, datetime, timedelta

import httpx

from . import registry
from .base import (
    AppointmentNotFound,
    BadAnswer,
    NotConfigured,
    OfficeAppointment,
    OfficeStatus,
    OfficeSystemAdapter,
    OfficeSystemUnreachable,
    WrongSecret,
)

APPOINTMENT_PATH = "appointment/"
MAX_ANSWER_BYTES = 256 * 1024
# ZMS process statuses (thinnedProcess.json) in our words. Anything else is a bad answer.
STATUSES = {
    "preconfirmed": OfficeStatus.BOOKED,  # waiting for the client's activation link
    "confirmed": OfficeStatus.BOOKED,
    "queued": OfficeStatus.BOOKED,
    "called": OfficeStatus.BOOKED,
    "processing": OfficeStatus.BOOKED,
    "pending": OfficeStatus.BOOKED,
    "pickup": OfficeStatus.BOOKED,
    "parked": OfficeStatus.BOOKED,
    "conflict": OfficeStatus.BOOKED,  # the office must resolve it; it still stands
    "free": OfficeStatus.CANCELLED,
    "reserved": OfficeStatus.CANCELLED,  # a reservation that never became an appointment
    "deleted": OfficeStatus.CANCELLED,
    "blocked": OfficeStatus.CANCELLED,  # cancelled, its slot held back for a while
    "finished": OfficeStatus.DONE,
    "missed": OfficeStatus.DONE,
    "archived": OfficeStatus.DONE,
    "anonymized": OfficeStatus.DONE,
}
NOT_FOUND_CODES = {"appointmentNotFound", "invalidProcessId"}
WRONG_SECRET_CODES = {"authKeyMismatch", "invalidAuthKey"}
# Seconds since the epoch that can be an appointment (2000–2100).
EARLIEST, LATEST = 946684800, 4102444800


@registry.register
class ZmsAdapter(OfficeSystemAdapter):
    name = "zms"
    label = "ZMS / eAppointment"
    needs_secret = True
    needs_base_url = True

    def lookup(self, reference: str, secret: str) -> OfficeAppointment:
        process_id = (reference or "").strip()
        auth_key = (secret or "").strip()
        if not process_id.isascii() or not process_id.isdigit() or len(process_id) > 12:
            raise AppointmentNotFound("not a process id")
        if not auth_key or len(auth_key) > 64:
            raise WrongSecret("no authKey")
        status, body = self._get(process_id, auth_key)
        if status == 200:
            return self._appointment(process_id, body)
        if status in (400, 404, 406):
            codes = _error_codes(body)
            if codes & NOT_FOUND_CODES:
                raise AppointmentNotFound(",".join(sorted(codes)))
            if codes & WRONG_SECRET_CODES:
                raise WrongSecret(",".join(sorted(codes)))
            raise BadAnswer(f"{status} without a known error code")
        if status == 429 or status >= 500:
            raise OfficeSystemUnreachable(f"status {status}")
        raise BadAnswer(f"status {status}")

    # -- HTTP --------------------------------------------------------------------------

    def _url(self) -> str:
        base = self.config.base_url.strip()
        if not base.startswith(("http://", "https://")):
            raise NotConfigured("base_url")
        return f"{base.rstrip('/')}/{APPOINTMENT_PATH}"

    def _headers(self) -> dict:
        headers = {"Accept": "application/json"}
        credentials = self.config.credentials()
        if credentials:
            headers["Authorization"] = credentials
        return headers

    def _get(self, process_id: str, auth_key: str):
        """(status, parsed JSON body or None). Explicit timeouts for every phase; the
        answer is read up to ``MAX_ANSWER_BYTES``; no redirect is followed."""
        seconds = self.config.timeout_seconds
        timeout = httpx.Timeout(seconds, connect=min(seconds, 3.0))
        try:
            with (
                httpx.Client(timeout=timeout, follow_redirects=False) as client,
                client.stream(
                    "GET",
                    self._url(),
                    params={"processId": process_id, "authKey": auth_key},
                    headers=self._headers(),
                ) as response,
            ):
                content = bytearray()
                for chunk in response.iter_bytes():
                    content.extend(chunk)
                    if len(content) > MAX_ANSWER_BYTES:
                        raise BadAnswer("answer too large")
                status = response.status_code
        except httpx.TimeoutException as error:
            raise OfficeSystemUnreachable("timeout") from error
        except httpx.TransportError as error:
            raise OfficeSystemUnreachable(type(error).__name__) from error
        if status == 200 or status in (400, 404, 406):
            return status, _json(bytes(content))
        return status, None

    # -- The answer --------------------------------------------------------------------

    def _appointment(self, process_id: str, body) -> OfficeAppointment:
        data = body.get("data") if isinstance(body, dict) and "data" in body else body
        if not isinstance(data, dict):
            raise BadAnswer("no appointment object")
        answered_id = data.get("processId")
        if type(answered_id) is not int or answered_id != int(process_id):
            raise BadAnswer("another processId")
        start = _start(data.get("timestamp"))
        status_text = data.get("status")
        if status_text is None:
            status = OfficeStatus.BOOKED  # older citizen APIs leave it out
        elif status_text in STATUSES:
            status = STATUSES[status_text]
        else:
            raise BadAnswer("unknown status")
        slots = data.get("slotCount")
        if type(slots) is int and 1 <= slots <= 48:
            minutes = slots * self.config.slot_minutes
        elif slots is None:
            minutes = self.config.default_minutes
        else:
            raise BadAnswer("slotCount")
        office_id = data.get("officeId")
        if office_id is not None and type(office_id) is not int:
            raise BadAnswer("officeId")
        return OfficeAppointment(
            reference=process_id,
            start=start,
            end=start + timedelta(minutes=minutes),
            status=status,
            office_id="" if office_id is None else str(office_id),
        )


def _json(content: bytes):
    try:
        return json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise BadAnswer("malformed JSON") from error


def _error_codes(body) -> set[str]:
    if not isinstance(body, dict) or not isinstance(body.get("errors"), list):
        return set()
    return {
        item["errorCode"]
        for item in body["errors"]
        if isinstance(item, dict) and isinstance(item.get("errorCode"), str)
    }


def _start(value) -> datetime:
    if isinstance(value, str) and value.isascii() and value.isdigit():
        seconds = int(value)
    elif type(value) is int:
        seconds = value
    else:
        raise BadAnswer("timestamp")
    if not EARLIEST <= seconds <= LATEST:
        raise BadAnswer("timestamp out of range")
    return datetime.fromtimestamp(seconds, tz=UTC)
