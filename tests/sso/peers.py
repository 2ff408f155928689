"""Real identity providers for the SSO tests, started on free loopback ports.

* ``ldap_server``: OpenLDAP's ``slapd`` (Debian package) with a generated ``slapd.conf``
  (mdb backend in a temporary directory, the ppolicy overlay for locked accounts) and the
  test directory of ``directory.ldif``, loaded with ``slapadd``. A fresh server per test.
* ``oidc_provider`` / ``start_oidc_provider``: the npm package ``oidc-provider`` (OpenID
  Certified) on Node.js, configured by ``oidc_provider/provider.mjs``, installed by
  ``npm ci`` from the pinned ``package-lock.json`` (the tests run it when
  ``node_modules`` is missing; ``.ci/run`` runs it before the suite).

Without slapd or Node.js the tests are skipped with the reason; with ``CI`` set a missing
peer fails them. Test modules use these fixtures through ``from tests.sso.peers import …``
(tests/sso/conftest.py does it for the SSO tests).
"""

import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
import time_machine
from django.test import Client

try:  # optional: make install adds it where libldap2-dev and libsasl2-dev are present
    import ldap
    from django_auth_ldap.config import GroupOfNamesType, LDAPSearch
except ImportError:
    ldap = None

from willkommen.accounts import oidc

HERE = Path(__file__).parent
PROVIDER_DIR = HERE / "oidc_provider"
SLAPD = os.environ.get("SLAPD_PATH", "/usr/sbin/slapd")
SLAPADD = os.environ.get("SLAPADD_PATH", "/usr/sbin/slapadd")
BASE_DN = "dc=willkommen,dc=test"
ADMIN_DN = f"cn=admin,{BASE_DN}"
ADMIN_PASSWORD = "admin-secret-for-tests"
READER_DN = f"cn=willkommen-reader,{BASE_DN}"
READER_PASSWORD = "reader-secret-for-tests"
CLIENT_ID = "willkommen"
CLIENT_SECRET = "willkommen-test-client-secret"
TEST_HOST = "http://testserver"
CALLBACK = f"{TEST_HOST}/staff/login/oidc/callback/"


def missing_peer(reason):
    """Skip with the reason on a developer's machine, fail in CI."""
    if os.environ.get("CI"):
        pytest.fail(f"SSO tests need this in CI: {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process, what, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on 127.0.0.1:{port}")


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# The people of the test directory and provider, and what the mapping should give them.
USERS = {
    "amira": {
        "password": "amira-password",
        "otp": "246810",
        "given_name": "Amira",
        "family_name": "Haddad",
        "groups": ["willkommen-caritas-counsellors", "kantine"],
        "languages": ["ar", "fa"],
        "topics": ["housing", "work"],
    },
    "ben": {
        "password": "ben-password",
        "otp": "135790",
        "given_name": "Ben",
        "family_name": "Lehmann",
        "groups": ["willkommen-caritas-leads", "willkommen-caritas-counsellors"],
    },
    "olga": {"password": "olga-password", "groups": ["willkommen-city-outreach"]},
    "cora": {"password": "cora-password", "groups": ["willkommen-city-coordinators"]},
    "clara": {"password": "clara-password", "groups": ["willkommen-office-clerks"]},
    "otto": {"password": "otto-password", "groups": ["willkommen-it-operators"]},
    "dora": {"password": "dora-password", "groups": ["kantine"]},
    "emil": {
        "password": "emil-password",
        "groups": ["willkommen-caritas-counsellors"],
        "disabled": True,
    },
}
ROLE_USERS = {
    "counsellor": "amira",
    "organisation_lead": "ben",
    "outreach": "olga",
    "coordinator": "cora",
    "office_clerk": "clara",
    "operator": "otto",
}
# Settings part of the mapping; the office clerks come from an admin row (sso_settings).
GROUP_MAPPINGS = [
    {"group": "willkommen-caritas-leads", "role": "organisation_lead", "organisation": "Caritas"},
    {"group": "willkommen-caritas-counsellors", "role": "counsellor", "organisation": "Caritas"},
    {"group": "willkommen-city-outreach", "role": "outreach", "organisation": "Stadt"},
    {"group": "willkommen-city-coordinators", "role": "coordinator", "organisation": "Stadt"},
    {"group": "willkommen-it-operators", "role": "operator", "organisation": "Stadt"},
]
OFFICE_CLERKS_DN = f"cn=willkommen-office-clerks,ou=groups,{BASE_DN}"


# LDAP ---------------------------------------------------------------------------------


def directory_ldif() -> str:
    entries = [
        f"dn: {BASE_DN}\nobjectClass: dcObject\nobjectClass: organization\no: Willkommen test\n"
        "dc: willkommen",
        f"dn: ou=people,{BASE_DN}\nobjectClass: organizationalUnit\nou: people",
        f"dn: ou=groups,{BASE_DN}\nobjectClass: organizationalUnit\nou: groups",
        f"dn: ou=policies,{BASE_DN}\nobjectClass: organizationalUnit\nou: policies",
        # ppolicy: an account with pwdAccountLockedTime cannot bind (a disabled account).
        f"dn: cn=default,ou=policies,{BASE_DN}\nobjectClass: pwdPolicy\nobjectClass: person\n"
        "cn: default\nsn: policy\npwdAttribute: userPassword\npwdLockout: TRUE",
        f"dn: {READER_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\n"
        f"cn: willkommen-reader\nuserPassword: {READER_PASSWORD}",
    ]
    groups: dict[str, list[str]] = {}
    for login, user in USERS.items():
        lines = [
            f"dn: uid={login},ou=people,{BASE_DN}",
            "objectClass: inetOrgPerson",
            f"uid: {login}",
            f"cn: {user.get('given_name', login)} {user.get('family_name', 'Test')}",
            f"sn: {user.get('family_name', 'Test')}",
            f"givenName: {user.get('given_name', login.title())}",
            f"mail: {login}@stadt.example",
            f"userPassword: {user['password']}",
        ]
        if user.get("languages"):
            lines.append(f"preferredLanguage: {user['languages'][0]}")
        lines += [f"businessCategory: {topic}" for topic in user.get("topics", [])]
        if user.get("disabled"):
            lines.append("pwdAccountLockedTime: 000001010000Z")
        entries.append("\n".join(lines))
        for group in user["groups"]:
            groups.setdefault(group, []).append(f"uid={login},ou=people,{BASE_DN}")
    for group, members in groups.items():
        entries.append(
            "\n".join(
                [f"dn: cn={group},ou=groups,{BASE_DN}", "objectClass: groupOfNames"]
                + [f"cn: {group}"]
                + [f"member: {member}" for member in members]
            )
        )
    return "\n\n".join(entries) + "\n"


SLAPD_CONF = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload ppolicy
pidfile {root}/slapd.pid
argsfile {root}/slapd.args
database mdb
suffix "{base}"
rootdn "{admin}"
rootpw {password}
directory {root}/data
maxsize 10485760
overlay ppolicy
ppolicy_default "cn=default,ou=policies,{base}"
"""


@dataclass
class LdapServer:
    uri: str
    process: subprocess.Popen

    def admin(self):
        connection = ldap.initialize(self.uri)
        connection.simple_bind_s(ADMIN_DN, ADMIN_PASSWORD)
        return connection

    def remove_from_group(self, login, group):
        self.admin().modify_s(
            f"cn={group},ou=groups,{BASE_DN}",
            [(ldap.MOD_DELETE, "member", [f"uid={login},ou=people,{BASE_DN}".encode()])],
        )

    def add_to_group(self, login, group):
        self.admin().modify_s(
            f"cn={group},ou=groups,{BASE_DN}",
            [(ldap.MOD_ADD, "member", [f"uid={login},ou=people,{BASE_DN}".encode()])],
        )

    def lock(self, login):
        self.admin().modify_s(
            f"uid={login},ou=people,{BASE_DN}",
            [(ldap.MOD_REPLACE, "pwdAccountLockedTime", [b"000001010000Z"])],
        )

    def stop(self):
        stop(self.process)


@pytest.fixture
def ldap_server(tmp_path):
    if ldap is None:
        missing_peer(
            "python-ldap is not installed: make install LDAP=yes (needs libldap2-dev and "
            "libsasl2-dev)"
        )
    if not (os.path.exists(SLAPD) and os.path.exists(SLAPADD)):
        missing_peer(f"no OpenLDAP server at {SLAPD} (apt-get install slapd ldap-utils)")
    root = tmp_path / "slapd"
    (root / "data").mkdir(parents=True)
    conf = root / "slapd.conf"
    conf.write_text(
        SLAPD_CONF.format(root=root, base=BASE_DN, admin=ADMIN_DN, password=ADMIN_PASSWORD)
    )
    (root / "directory.ldif").write_text(directory_ldif())
    subprocess.run(
        [SLAPADD, "-q", "-f", str(conf), "-l", str(root / "directory.ldif")],
        check=True,
        capture_output=True,
    )
    port = free_port()
    uri = f"ldap://127.0.0.1:{port}"
    log = (root / "slapd.log").open("w")
    # -d 0: stay in the foreground (so the test owns the process), without debug output.
    process = subprocess.Popen(
        [SLAPD, "-f", str(conf), "-h", f"{uri}/", "-d", "0"], stdout=log, stderr=log
    )
    server = LdapServer(uri=uri, process=process)
    try:
        wait_for_port(port, process, "slapd")
        yield server
    finally:
        server.stop()
        log.close()


def ldap_settings(settings, server: LdapServer):
    settings.LDAP_SERVER_URI = settings.AUTH_LDAP_SERVER_URI = server.uri
    settings.AUTH_LDAP_BIND_DN = READER_DN
    settings.AUTH_LDAP_BIND_PASSWORD = READER_PASSWORD
    settings.AUTH_LDAP_USER_SEARCH = LDAPSearch(
        f"ou=people,{BASE_DN}",
        ldap.SCOPE_SUBTREE,
        # A locked (disabled) account is outside the filter, so a lookup no longer finds it.
        "(&(objectClass=inetOrgPerson)(uid=%(user)s)(!(pwdAccountLockedTime=*)))",
    )
    settings.AUTH_LDAP_GROUP_SEARCH = LDAPSearch(
        f"ou=groups,{BASE_DN}", ldap.SCOPE_SUBTREE, "(objectClass=groupOfNames)"
    )
    settings.AUTH_LDAP_GROUP_TYPE = GroupOfNamesType()
    settings.LDAP_USERNAME_ATTRIBUTE = "uid"
    settings.LDAP_LANGUAGES_ATTRIBUTE = "preferredLanguage"
    settings.LDAP_TOPICS_ATTRIBUTE = "businessCategory"


def ldap_sign_in(client: Client, login, password=None, next_url=""):
    data = {"username": login, "password": password or USERS[login]["password"]}
    if next_url:
        data["next"] = next_url
    return client.post("/staff/login/", data)


# OpenID Connect -------------------------------------------------------------------------


def ensure_provider_installed():
    node = shutil.which("node")
    npm = shutil.which("npm")
    if node is None or npm is None:
        missing_peer("no Node.js/npm for the OpenID Connect test provider (apt-get install npm)")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        result = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=PROVIDER_DIR,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            missing_peer(f"npm ci in {PROVIDER_DIR} failed: {result.stderr[-500:]}")
    return node


def clock_offset_ms() -> int:
    """How far the suite's clock (pytest --clock, time-machine) is from the real one, so
    that the provider's tokens are fresh in the suite's eyes."""
    if not time_machine.escape_hatch.is_travelling():
        return 0
    return int((time.time() - time_machine.escape_hatch.time.time()) * 1000)


@dataclass
class OidcProvider:
    url: str
    issuer: str
    users_file: Path
    process: subprocess.Popen
    users: dict = field(default_factory=dict)

    def update_user(self, login, **changes):
        self.users[login] = {**self.users[login], **changes}
        self.users_file.write_text(json.dumps(self.users))

    @property
    def discovery_url(self):
        return f"{self.url}/.well-known/openid-configuration"

    def stop(self):
        stop(self.process)


@pytest.fixture
def start_oidc_provider(tmp_path):
    """``start_oidc_provider(issuer=…, clock_offset_s=…, ttl={"AUTHORIZATION_CODE": 1})``"""
    node = ensure_provider_installed()
    started = []

    def start(
        issuer=None,
        clock_offset_s=0,
        ttl=None,
        redirect_uris=(CALLBACK,),
        post_logout_uris=(f"{TEST_HOST}/",),
    ):
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        users_file = tmp_path / f"users-{port}.json"
        users = json.loads(json.dumps(USERS))
        users_file.write_text(json.dumps(users))
        env = {
            **os.environ,
            "PORT": str(port),
            "ISSUER": issuer or url,
            "CLIENT_ID": CLIENT_ID,
            "CLIENT_SECRET": CLIENT_SECRET,
            "REDIRECT_URIS": ",".join(redirect_uris),
            "POST_LOGOUT_REDIRECT_URIS": ",".join(post_logout_uris),
            "USERS_FILE": str(users_file),
            "CLOCK_OFFSET_MS": str(clock_offset_ms() + int(clock_offset_s * 1000)),
            "NODE_ENV": "test",
        }
        env.update({f"TTL_{name}": str(seconds) for name, seconds in (ttl or {}).items()})
        log = (tmp_path / f"provider-{port}.log").open("w")
        process = subprocess.Popen(
            [node, "provider.mjs"], cwd=PROVIDER_DIR, env=env, stdout=log, stderr=log
        )
        provider = OidcProvider(url, issuer or url, users_file, process, users)
        started.append((provider, log))
        wait_for_port(port, process, "oidc-provider")
        return provider

    yield start
    for provider, log in started:
        provider.stop()
        log.close()


@pytest.fixture
def oidc_provider(start_oidc_provider):
    return start_oidc_provider()


def oidc_settings(settings, provider: OidcProvider, **overrides):
    oidc.clear_metadata_cache()
    settings.OIDC_ISSUER = provider.url
    settings.OIDC_DISCOVERY_URL = provider.discovery_url
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_SCOPES = "openid profile email groups"
    settings.OIDC_LANGUAGES_CLAIM = "languages"
    settings.OIDC_TOPICS_CLAIM = "topics"
    settings.OIDC_MFA_AMR_VALUES = ["otp"]
    settings.OIDC_MFA_ACR_VALUES = []
    for name, value in overrides.items():
        setattr(settings, name, value)


class ProviderBrowser:
    """The person's browser on the provider's side (a real HTTP client with cookies);
    Django's side is the test client. Follows the provider's redirects until they point
    back to Willkommen."""

    def __init__(self, provider: OidcProvider):
        self.provider = provider
        self.http = httpx.Client(follow_redirects=False, timeout=20)

    def follow(self, url, method="GET", data=None):
        response = self.http.request(method, url, data=data)
        for _hop in range(20):
            location = response.headers.get("location")
            if response.status_code not in (302, 303) or not location:
                return response, None
            target = urljoin(str(response.url), location)
            if not target.startswith(self.provider.url):
                return response, target
            response = self.http.get(target)
        raise RuntimeError("too many redirects at the provider")

    def sign_in(self, authorize_url, login, password=None, otp=""):
        """Returns Willkommen's callback URL (path and query) after the provider's login."""
        page, back = self.follow(authorize_url)
        if back is None:
            assert page.status_code == 200 and 'name="login"' in page.text, page.text[:500]
            form_action = urljoin(str(page.url), f"{urlsplit(str(page.url)).path}/login")
            data = {"login": login, "password": password or USERS[login]["password"]}
            data["otp"] = otp
            _final, back = self.follow(form_action, "POST", data)
        assert back and back.startswith(TEST_HOST), back
        return back[len(TEST_HOST) :]


def oidc_sign_in(client: Client, provider, login, *, otp="", next_url="", browser=None):
    """The whole sign-in: Willkommen → provider (login form) → Willkommen's callback."""
    start = client.get("/staff/login/oidc/", {"next": next_url} if next_url else {})
    assert start.status_code == 302, start.content[:300]
    browser = browser or ProviderBrowser(provider)
    callback = browser.sign_in(start["Location"], login, otp=otp)
    return client.get(callback), callback
