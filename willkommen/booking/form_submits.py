"""One booking per details form, also when it is sent twice at once (a double tap, a
reload while the first request still runs).

Each details form carries a one-time token (``views.common.issue_form_token``). The first
request to send it *claims* it here, in the database (a unique row, as the API's
``Idempotency-Key``: ``IdempotencyRecord``), books, and records the booking code. A second
request with the same token loses the claim and, instead of a blank form, waits a moment
for the first one's booking and shows it. Nothing secret is stored: only the booking code;
the page's link is signed afresh for the session that sent the form.

The scope is the browser's session, so a token is only ever answered to the session it
was issued to; and only a token the session was given (and has not spent) may claim a
row, so made-up tokens write nothing. Rows are deleted with the other idempotency
records (``retention``).
"""

import time

from django.db import IntegrityError, transaction

from .models import IdempotencyRecord

SCOPE_PREFIX = "form:"
IN_PROGRESS = 0
DONE = 201
# How long the losing request waits for the winner's booking, and how often it looks.
WAIT_SECONDS = 8.0
POLL_SECONDS = 0.2


def scope_of(session_key: str | None) -> str | None:
    return f"{SCOPE_PREFIX}{session_key}" if session_key else None


def claim(scope: str | None, token: str) -> bool:
    """True for the first request with this token in this session, False for any other."""
    if scope is None:
        return True  # no session to bind to: the session's own token check must do
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(
                scope=scope, key=token, request_hash="", status_code=IN_PROGRESS, response={}
            )
    except IntegrityError:
        return False
    return True


def finish(scope: str | None, token: str, code: str) -> None:
    """The booking made with this token: what a second request will show."""
    if scope is None:
        return
    IdempotencyRecord.objects.filter(scope=scope, key=token).update(
        status_code=DONE, response={"code": code}
    )


def release(scope: str | None, token: str) -> None:
    """The first request booked nothing: a second one may try again."""
    if scope is None:
        return
    IdempotencyRecord.objects.filter(scope=scope, key=token, status_code=IN_PROGRESS).delete()


def booking_code(scope: str | None, token: str, wait: float | None = None) -> str | None:
    """The code booked with this token, waiting up to ``wait`` seconds (``WAIT_SECONDS``)
    for a request that is still booking; None when it booked nothing (or is not done)."""
    if scope is None:
        return None
    deadline = time.monotonic() + (WAIT_SECONDS if wait is None else wait)
    while True:
        record = (
            IdempotencyRecord.objects.filter(scope=scope, key=token)
            .values("status_code", "response")
            .first()
        )
        if record is None:
            return None
        if record["status_code"] == DONE:
            return (record["response"] or {}).get("code")
        if time.monotonic() >= deadline:
            return None
        time.sleep(POLL_SECONDS)
