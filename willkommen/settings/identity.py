"""Staff sign-in through the city's identity provider (docs/deploy.md, "Sign-in through
the city's directory"): OpenID Connect, LDAP / Active Directory, the mapping of groups to
roles, session re-validation and the switch for local passwords.

Imported by ``base.py``; every value comes from the environment. OpenID Connect is on
when ``OIDC_ISSUER`` is set, LDAP when ``LDAP_SERVER_URI`` is set.
"""

import json
from urllib.parse import urlsplit

try:  # LDAP support is optional: python-ldap builds against libldap2-dev (README).
    import ldap
    from django_auth_ldap.config import (
        ActiveDirectoryGroupType,
        GroupOfNamesType,
        LDAPSearch,
        NestedActiveDirectoryGroupType,
        NestedGroupOfNamesType,
    )
except ImportError:
    ldap = None

from willkommen.config import ConfigError, env_bool, env_int, env_list, env_str

ROLE_NAMES = {
    "counsellor",
    "outreach",
    "organisation_lead",
    "coordinator",
    "office_clerk",
    "operator",
}


def env_group_mappings(name):
    """``[{"group": "...", "role": "counsellor", "organisation": "Caritas", "source":
    "oidc"}]``: role and organisation (its short name) may each be left out, not both."""
    raw = env_str(name, "")
    if not raw:
        return []
    try:
        entries = json.loads(raw)
    except ValueError as error:
        raise ConfigError(f"{name} must be a JSON list: {error}") from None
    if not isinstance(entries, list):
        raise ConfigError(f"{name} must be a JSON list of objects")
    mappings = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("group"), str):
            raise ConfigError(f"{name}: every entry needs a \"group\" text, not {entry!r}")
        role = entry.get("role") or ""
        if role and role not in ROLE_NAMES:
            raise ConfigError(f"{name}: unknown role {role!r} (one of {sorted(ROLE_NAMES)})")
        organisation = entry.get("organisation") or ""
        if not role and not organisation:
            raise ConfigError(f"{name}: {entry['group']!r} gives neither role nor organisation")
        source = entry.get("source") or ""
        if source not in {"", "oidc", "ldap"}:
            raise ConfigError(f"{name}: source must be oidc or ldap, not {source!r}")
        mappings.append(
            {"group": entry["group"], "role": role, "organisation": organisation, "source": source}
        )
    return mappings


# Groups → roles and organisations (see also the admin's "group mappings").
SSO_GROUP_MAPPINGS = env_group_mappings("SSO_GROUP_MAPPINGS")
# Seconds after which a signed-in session is checked against the provider again (OIDC:
# refresh token and userinfo; LDAP: a lookup). A removed group or a disabled account ends
# or changes the session at the first request after this.
SSO_SESSION_MAX_AGE = env_int("SSO_SESSION_MAX_AGE", 300, minimum=0)
# Local passwords: off for everyone except the break-glass operator account named here.
LOCAL_LOGIN_ENABLED = env_bool("LOCAL_LOGIN_ENABLED", True)
BREAK_GLASS_USERNAME = env_str("BREAK_GLASS_USERNAME", "")

# OpenID Connect (authorization code flow with PKCE, via Authlib).
OIDC_ISSUER = env_str("OIDC_ISSUER", "")
OIDC_DISCOVERY_URL = env_str(
    "OIDC_DISCOVERY_URL",
    f"{OIDC_ISSUER.rstrip('/')}/.well-known/openid-configuration" if OIDC_ISSUER else "",
)
OIDC_CLIENT_ID = env_str("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET", "")
if OIDC_ISSUER and not (OIDC_CLIENT_ID and OIDC_CLIENT_SECRET):
    raise ConfigError("OIDC_ISSUER is set: OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are required")
OIDC_SCOPES = env_str("OIDC_SCOPES", "openid profile email")
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "")
OIDC_USERNAME_CLAIM = env_str("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
OIDC_LANGUAGES_CLAIM = env_str("OIDC_LANGUAGES_CLAIM", "")
OIDC_TOPICS_CLAIM = env_str("OIDC_TOPICS_CLAIM", "")
# The provider's assertion of a second factor: an ``acr`` value or an ``amr`` entry named
# here counts instead of the local TOTP for case content. OIDC_ACR_VALUES is sent along
# with the sign-in request (step-up at providers that support it).
OIDC_MFA_ACR_VALUES = env_list("OIDC_MFA_ACR_VALUES")
OIDC_MFA_AMR_VALUES = env_list("OIDC_MFA_AMR_VALUES")
OIDC_ACR_VALUES = env_str("OIDC_ACR_VALUES", "")
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10, minimum=1)
OIDC_CA_BUNDLE = env_str("OIDC_CA_BUNDLE", "")
OIDC_METADATA_CACHE_SECONDS = env_int("OIDC_METADATA_CACHE_SECONDS", 3600, minimum=0)
# Logging out sends the browser on to the provider's end-session endpoint after the
# logout form's POST, which the Content-Security-Policy's form-action must allow. The
# issuer's origin by default; OIDC_LOGOUT_ORIGIN when the endpoint lives elsewhere.
OIDC_LOGOUT_ORIGIN = env_str("OIDC_LOGOUT_ORIGIN", "")


def origin_of(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


OIDC_FORM_ACTION_ORIGINS = [
    origin for origin in {origin_of(OIDC_LOGOUT_ORIGIN or OIDC_ISSUER)} if origin
]

# LDAP / Active Directory (django-auth-ldap). ``AUTH_LDAP_*`` are django-auth-ldap's own.
LDAP_SERVER_URI = env_str("LDAP_SERVER_URI", "")
LDAP_USERNAME_ATTRIBUTE = env_str("LDAP_USERNAME_ATTRIBUTE", "uid")
LDAP_LANGUAGES_ATTRIBUTE = env_str("LDAP_LANGUAGES_ATTRIBUTE", "")
LDAP_TOPICS_ATTRIBUTE = env_str("LDAP_TOPICS_ATTRIBUTE", "")
# Installed with ``requirements-ldap.txt`` (``make install`` does when the headers are
# there); without it LDAP sign-in is off, and asking for it stops start-up.
LDAP_AVAILABLE = ldap is not None
if LDAP_SERVER_URI and not LDAP_AVAILABLE:
    raise ConfigError(
        "LDAP_SERVER_URI is set, but python-ldap is not installed: "
        "pip install -r requirements-ldap.txt (needs libldap2-dev and libsasl2-dev)"
    )
if LDAP_AVAILABLE:
    LDAP_GROUP_TYPES = {
        "groupOfNames": GroupOfNamesType,
        "nestedGroupOfNames": NestedGroupOfNamesType,
        "activeDirectory": ActiveDirectoryGroupType,
        "nestedActiveDirectory": NestedActiveDirectoryGroupType,
    }
    _group_type = env_str("LDAP_GROUP_TYPE", "groupOfNames")
    if _group_type not in LDAP_GROUP_TYPES:
        raise ConfigError(f"LDAP_GROUP_TYPE must be one of {sorted(LDAP_GROUP_TYPES)}")

    AUTH_LDAP_SERVER_URI = LDAP_SERVER_URI
    AUTH_LDAP_START_TLS = env_bool("LDAP_START_TLS", False)
    AUTH_LDAP_BIND_DN = env_str("LDAP_BIND_DN", "")
    AUTH_LDAP_BIND_PASSWORD = env_str("LDAP_BIND_PASSWORD", "")
    AUTH_LDAP_USER_SEARCH = LDAPSearch(
        env_str("LDAP_USER_SEARCH_BASE", ""),
        ldap.SCOPE_SUBTREE,
        env_str("LDAP_USER_FILTER", "(uid=%(user)s)"),
    )
    AUTH_LDAP_GROUP_SEARCH = LDAPSearch(
        env_str("LDAP_GROUP_SEARCH_BASE", ""),
        ldap.SCOPE_SUBTREE,
        env_str("LDAP_GROUP_FILTER", "(objectClass=groupOfNames)"),
    )
    AUTH_LDAP_GROUP_TYPE = LDAP_GROUP_TYPES[_group_type]()
    AUTH_LDAP_USER_ATTR_MAP = {
        "first_name": env_str("LDAP_FIRST_NAME_ATTRIBUTE", "givenName"),
        "last_name": env_str("LDAP_LAST_NAME_ATTRIBUTE", "sn"),
        "email": env_str("LDAP_EMAIL_ATTRIBUTE", "mail"),
    }
    # Our backend (accounts/ldap_backend.py) creates and updates the account itself.
    AUTH_LDAP_ALWAYS_UPDATE_USER = False
    AUTH_LDAP_CACHE_TIMEOUT = 0
    AUTH_LDAP_CONNECTION_OPTIONS = {
        ldap.OPT_NETWORK_TIMEOUT: env_int("LDAP_TIMEOUT", 5, minimum=1),
        ldap.OPT_TIMEOUT: env_int("LDAP_TIMEOUT", 5, minimum=1),
        ldap.OPT_REFERRALS: 0,
    }
    if env_str("LDAP_CA_CERT_FILE", ""):
        AUTH_LDAP_GLOBAL_OPTIONS = {ldap.OPT_X_TLS_CACERTFILE: env_str("LDAP_CA_CERT_FILE")}

# Passwords (local or LDAP) are checked after the lock-out backend; the OpenID Connect
# backend only restores sessions that the sign-in view created.
IDENTITY_BACKENDS = [
    "willkommen.accounts.backends.LocalAccountBackend",
    "willkommen.accounts.backends.OIDCSessionBackend",
    *(["willkommen.accounts.ldap_backend.DirectoryLDAPBackend"] if LDAP_AVAILABLE else []),
]
