"""A self-hosted proof-of-work captcha, compatible with the ALTCHA widget (protocol v2,
SHA-256 key derivation), so no third-party captcha service ever sees a client.

The browser's widget fetches ``create_challenge()`` from ``GET /api/v1/captcha``, searches
for a counter whose derived key starts with the challenge's prefix, and submits the
solution as base64 JSON. ``verify_solution`` checks the signature, expiry and work, and
spends the solution: each one is accepted once (stored in ``UsedCaptchaSolution`` under a
unique constraint, which also holds across several application servers).
"""

import hashlib
import random
from datetime import UTC, datetime, timedelta

import altcha
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import UsedCaptchaSolution

ALGORITHM = "SHA-256"


def _setting(name, default):
    return getattr(settings, name, default)


def _hmac_secret() -> str:
    # Derived from SECRET_KEY so operators configure nothing extra, but never equal to it.
    return hashlib.sha256(f"altcha:{settings.SECRET_KEY}".encode()).hexdigest()


def create_challenge() -> dict:
    """A signed challenge in the JSON form the ALTCHA widget expects."""
    expires = datetime.now(UTC) + timedelta(seconds=_setting("BOOKING_CAPTCHA_EXPIRES", 900))
    challenge = altcha.create_challenge(
        ALGORITHM,
        _setting("BOOKING_CAPTCHA_COST", 20),
        key_prefix=_setting("BOOKING_CAPTCHA_KEY_PREFIX", "000"),
        expires_at=expires,
        hmac_secret=_hmac_secret(),
    )
    return challenge.to_dict()


def verify_solution(payload_b64: str | None) -> bool:
    """True once for a valid, unexpired solution; False for anything else, including a
    replay of a solution already used."""
    if not payload_b64 or not isinstance(payload_b64, str) or len(payload_b64) > 8000:
        return False
    try:
        result = altcha.verify_solution(payload_b64, _hmac_secret())
    except (ValueError, TypeError, KeyError):
        return False
    if not result.verified:
        return False
    payload = altcha.Payload.from_base64(payload_b64)
    expires_ts = payload.challenge.parameters.expires_at or 0
    expires_at = (
        datetime.fromtimestamp(expires_ts, UTC)
        if expires_ts
        else timezone.now() + timedelta(days=1)
    )
    if random.random() < 0.02:  # tidy up now and then; expired ones cannot be replayed
        UsedCaptchaSolution.objects.filter(expires_at__lt=timezone.now()).delete()
    try:
        with transaction.atomic():
            UsedCaptchaSolution.objects.create(
                signature=payload.challenge.signature, expires_at=expires_at
            )
    except IntegrityError:
        return False
    return True


def solve(challenge: dict) -> str:
    """Solve a challenge the way the widget does and return its payload (for tests and
    the benchmarks; far too slow to matter for a bot farm, which is the point)."""
    parsed = altcha.Challenge.from_dict(challenge)
    solution = altcha.solve_challenge(parsed)
    return altcha.Payload(parsed, solution).to_base64()
