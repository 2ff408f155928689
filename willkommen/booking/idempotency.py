"""``Idempotency-Key`` for the API's booking writes: a retried request gets the stored
answer instead of a second booking.

The answer of a booking carries the client's code, manage token and consultation, so it
may be replayed only to the caller who caused it. Hence the order:

1. **Authenticate first** (``authenticate_partner``): a request with an ``X-Api-Key``
   that does not verify is refused before the store is read or written, so a forged key
   neither gets a partner's answer nor claims a key the partner will use.
2. **Scope by who was verified** (``scope_for``): ``key:<id>`` of the verified API key, or
   ``ip:<address>`` of an anonymous caller (``willkommen.client_address``, the real client
   behind a trusted proxy). Never by anything the caller merely claims.

Within a scope a key is answered once for 24 hours: the same body replays the answer, a
different body gets 422, a request still running gets 409. A 429 is not an answer to the
request and is not kept.
"""

import hashlib
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from willkommen.client_address import client_ip

from .errors import CaptchaInvalid, RateLimited
from .models import ApiKey, IdempotencyRecord

IDEMPOTENCY_HOURS = 24
MAX_KEY_LENGTH = 200


def authenticate_partner(raw_api_key: str | None) -> ApiKey | None:
    """The partner of a verified ``X-Api-Key``; None without the header. A header that
    does not verify is refused (``CaptchaInvalid``: the request proved nothing)."""
    if not raw_api_key:
        return None
    partner = ApiKey.authenticate(raw_api_key)
    if partner is None:
        raise CaptchaInvalid(_("The API key is invalid."))
    return partner


def scope_for(request, partner: ApiKey | None) -> str | None:
    """Whose keys these are: the verified partner, else the client's address (None when
    the address is unknown: such a caller gets no replay at all)."""
    if partner is not None:
        return f"key:{partner.pk}"
    address = client_ip(request)
    return f"ip:{address}" if address else None


def run_once(request, key: str | None, scope: str | None, compute):
    """``compute()`` (returning ``(status, body)``) once per (scope, key) within 24 hours;
    later the stored answer."""
    if not key or not scope:
        return compute()
    key = key[:MAX_KEY_LENGTH]
    fingerprint = hashlib.sha256(request.body).hexdigest()
    cutoff = timezone.now() - timedelta(hours=IDEMPOTENCY_HOURS)
    IdempotencyRecord.objects.filter(scope=scope, key=key, created_at__lt=cutoff).delete()
    existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    if existing is None:
        try:
            with transaction.atomic():
                existing = IdempotencyRecord.objects.create(
                    scope=scope, key=key, request_hash=fingerprint, status_code=0, response={}
                )
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
        else:
            try:
                status, body = compute()
            except Exception:
                existing.delete()
                raise
            if status == RateLimited.status:
                # Not an answer to the request: the same key may try again after the wait.
                existing.delete()
                return status, body
            existing.status_code, existing.response = status, body
            existing.save(update_fields=["status_code", "response"])
            return status, body
    if existing is None or existing.request_hash != fingerprint:
        return 422, {
            "detail": _("This Idempotency-Key was already used for a different request."),
            "code": "idempotency_key_reused",
        }
    if existing.status_code == 0:
        return 409, {
            "detail": _("The same request is still being processed."),
            "code": "request_in_progress",
        }
    return existing.status_code, existing.response
