"""OpenID Connect with Authlib: the client, the provider's metadata, token checks.

Why Authlib (docs/deploy.md says more): its Django client does the authorization code
flow with PKCE (S256), keeps state, nonce and code verifier in the session and refuses a
callback whose state it does not hold (once), reads the provider's discovery document and
key set (with key rotation), and validates the ID token's signature, ``iss``, ``aud``,
``exp``, ``iat``, ``nonce`` and ``at_hash``. It also brings the refresh-token grant and
RP-initiated logout. Account creation stays ours (``provisioning.py``).

Checks we add on top: the discovery document must name exactly ``OIDC_ISSUER``; ``iss``
and ``aud`` are required values (Authlib checks ``aud`` only when asked to); the userinfo
answer must be about the same ``sub``.
"""

import time
from dataclasses import dataclass

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import DjangoIntegration, DjangoOAuth2App
from django.conf import settings
from joserfc.errors import JoseError

from .models import IdentitySource
from .provisioning import DirectoryProfile

# Everything that means "the provider's answer is not acceptable" (protocol errors,
# refused grants, invalid tokens) as opposed to "the provider cannot be reached".
ProtocolError = (AuthlibBaseError, JoseError)
ProviderUnreachable = (requests.RequestException, ValueError)


class ProviderMisconfigured(Exception):
    """The discovery document does not belong to the configured issuer."""


def is_configured() -> bool:
    return bool(settings.OIDC_ISSUER)


_metadata_cache: dict[str, tuple[float, dict]] = {}


def clear_metadata_cache():
    _metadata_cache.clear()


def _session_options() -> dict:
    options = {"default_timeout": settings.OIDC_TIMEOUT}
    if settings.OIDC_CA_BUNDLE:
        options["verify"] = settings.OIDC_CA_BUNDLE
    return options


def provider_metadata() -> dict:
    """The provider's discovery document (cached per process for
    ``OIDC_METADATA_CACHE_SECONDS``); raises ``ProviderUnreachable`` errors or
    ``ProviderMisconfigured``."""
    url = settings.OIDC_DISCOVERY_URL
    cached = _metadata_cache.get(url)
    if cached and time.monotonic() - cached[0] < settings.OIDC_METADATA_CACHE_SECONDS:
        return cached[1]
    verify = settings.OIDC_CA_BUNDLE or True
    response = requests.get(url, timeout=settings.OIDC_TIMEOUT, verify=verify)
    response.raise_for_status()
    metadata = response.json()
    check_discovery_issuer(metadata)
    metadata["_loaded_at"] = time.time()
    _metadata_cache[url] = (time.monotonic(), metadata)
    return metadata


def check_discovery_issuer(metadata):
    """OpenID Connect Discovery: the document must name the issuer we were configured
    with, or tokens of another issuer could be taken for the city's."""
    if metadata.get("issuer") != settings.OIDC_ISSUER:
        raise ProviderMisconfigured(
            f"discovery document names issuer {metadata.get('issuer')!r}, "
            f"OIDC_ISSUER is {settings.OIDC_ISSUER!r}"
        )


def client() -> DjangoOAuth2App:
    """A client for this request, on the cached (and checked) metadata."""
    app = DjangoOAuth2App(
        DjangoIntegration("willkommen_oidc"),
        name="willkommen_oidc",
        client_id=settings.OIDC_CLIENT_ID,
        client_secret=settings.OIDC_CLIENT_SECRET,
        client_kwargs={
            "scope": settings.OIDC_SCOPES,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "client_secret_basic",
            **_session_options(),
        },
    )
    app.server_metadata = provider_metadata()
    return app


def id_token_claims_options() -> dict:
    """What every ID token must say: our issuer, and us as its audience."""
    return {
        "iss": {"essential": True, "value": settings.OIDC_ISSUER},
        "aud": {"essential": True, "value": settings.OIDC_CLIENT_ID},
    }


@dataclass
class SignInResult:
    profile: DirectoryProfile
    mfa: bool
    id_token: str
    refresh_token: str


def complete_sign_in(request) -> SignInResult:
    """The callback: state (once), code exchange with the PKCE verifier, ID token
    validation with the nonce, then userinfo. Raises ``ProtocolError`` or
    ``ProviderUnreachable`` errors."""
    app = client()
    token = app.authorize_access_token(request, claims_options=id_token_claims_options())
    if "userinfo" not in token:
        # No ID token in the answer: this is not an OpenID Connect sign-in.
        raise AuthlibBaseError(error="missing_id_token")
    claims = dict(token["userinfo"])
    claims.update(_userinfo(app, token, claims["sub"]))
    return SignInResult(
        profile=profile_from_claims(claims),
        mfa=asserts_mfa(token["userinfo"]),
        id_token=token["id_token"],
        refresh_token=token.get("refresh_token") or "",
    )


def refresh(refresh_token: str, subject: str) -> tuple[DirectoryProfile, dict]:
    """Re-validation: a new access token through the refresh grant, and what userinfo
    says now. A disabled or deleted account, or a revoked session, makes the provider
    refuse the grant (``ProtocolError``)."""
    app = client()
    # No scope: the grant keeps the scopes of the sign-in (RFC 6749, section 6).
    token = app.fetch_access_token(
        grant_type="refresh_token", refresh_token=refresh_token, scope=None
    )
    claims = {"sub": subject}
    if "id_token" in token:
        claims.update(
            app.parse_id_token(token, nonce=None, claims_options=id_token_claims_options())
        )
        if claims["sub"] != subject:
            raise AuthlibBaseError(error="subject_changed")
    claims.update(_userinfo(app, token, subject))
    return profile_from_claims(claims), dict(token)


def _userinfo(app, token, subject) -> dict:
    if not app.server_metadata.get("userinfo_endpoint"):
        return {}
    info = dict(app.userinfo(token=token))
    if info.get("sub") != subject:
        raise AuthlibBaseError(error="userinfo_subject_mismatch")
    return info


def _list_claim(claims, name) -> tuple[str, ...] | None:
    if not name or name not in claims:
        return None
    value = claims[name]
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return tuple(str(item) for item in value or ())


def profile_from_claims(claims: dict) -> DirectoryProfile:
    return DirectoryProfile(
        source=IdentitySource.OIDC,
        subject=claims["sub"],
        username=str(claims.get(settings.OIDC_USERNAME_CLAIM) or claims["sub"]),
        first_name=str(claims.get("given_name") or ""),
        last_name=str(claims.get("family_name") or ""),
        email=str(claims.get("email") or ""),
        groups=_list_claim(claims, settings.OIDC_GROUPS_CLAIM) or (),
        languages=_list_claim(claims, settings.OIDC_LANGUAGES_CLAIM),
        topics=_list_claim(claims, settings.OIDC_TOPICS_CLAIM),
    )


def asserts_mfa(id_token_claims) -> bool:
    """Did the provider assert a second factor the operator accepts (``acr`` value or
    one ``amr`` entry named in ``OIDC_MFA_ACR_VALUES`` / ``OIDC_MFA_AMR_VALUES``)?"""
    acr = id_token_claims.get("acr")
    amr = id_token_claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return (acr is not None and acr in settings.OIDC_MFA_ACR_VALUES) or any(
        method in settings.OIDC_MFA_AMR_VALUES for method in amr
    )


def logout_url(id_token: str, post_logout_redirect_uri: str) -> str | None:
    """RP-initiated logout at the provider, or None when it offers none (or cannot be
    reached: the local logout has happened either way)."""
    try:
        metadata = provider_metadata()
    except (*ProviderUnreachable, ProviderMisconfigured):
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    return client().create_logout_url(
        post_logout_redirect_uri=post_logout_redirect_uri,
        id_token_hint=id_token,
        client_id=settings.OIDC_CLIENT_ID,
    )["url"]
