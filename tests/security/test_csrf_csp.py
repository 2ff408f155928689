"""CSRF on every form and the strict CSP in every template (docs/security.md).

* Every URL of the site that is not part of the JSON API refuses a POST without a CSRF
  token with 403 – whatever the view does, so a view that forgot the protection (e.g. a
  stray ``csrf_exempt``) fails. The API operations are exempt from Django's middleware
  because ninja checks CSRF itself for the session-authenticated (staff) operations: a POST
  with the session cookie and without ``X-CSRFToken`` answers 403 ``csrf_failed``. The
  public API operations use no cookie at all, so there is no ambient credential to forge.
* No template contains an inline ``<script>`` body, an ``on…=`` event-handler attribute or
  a ``style=`` attribute: the CSP (``script-src 'self'``, ``style-src 'self'``) would block
  them, and the rendered-page tests (tests/ops/test_security.py) only reach the pages they
  can open.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.staff_urls import walk
from willkommen.accounts.models import Role

pytestmark = pytest.mark.django_db

# The JSON API: ninja's operations check CSRF themselves (test below).
API_PREFIX = "api/"
SAMPLES = {"int": "1", "uuid": "00000000-0000-0000-0000-000000000001", "path": "x/y"}


def _sample_url(route: str) -> str:
    def value(match):
        converter = match.group(1) or "str"
        return SAMPLES.get(converter, "x1")

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", value, route)


def _site_routes():
    for route, name, _pattern in walk():
        if not route.startswith(API_PREFIX) and "(?P" not in route and "^" not in route:
            yield route, name


@pytest.mark.parametrize("role", [None, Role.OPERATOR, Role.COUNSELLOR])
def test_every_post_without_csrf_token_is_refused(make_staff, role):
    """Anonymous too: a staff view that forgot the protection would answer its login
    redirect (302) instead of 403, and a role without permission cannot hide it."""
    strict = Client(enforce_csrf_checks=True)
    if role is not None:
        strict.force_login(make_staff(role))
    checked, accepted = 0, []
    for route, name in _site_routes():
        url = _sample_url(route)
        response = strict.post(url, {"name": "x", "start": "2030-01-01T10:00:00+01:00"})
        if response.status_code != 403:
            accepted.append((url, name, response.status_code))
        checked += 1
    assert not accepted, f"POST without CSRF token not refused: {accepted}"
    assert checked >= 80


def test_session_api_writes_need_the_csrf_header(make_staff):
    """Every API write that authenticates by session (the staff's) refuses a POST with the
    session cookie but without the CSRF header – the walk goes through the OpenAPI
    document, so a new operation is covered."""
    strict = Client(enforce_csrf_checks=True)
    schema = strict.get("/api/openapi.json").json()
    strict.force_login(make_staff(Role.OPERATOR))
    writes = [
        (method, path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in {"post", "put", "patch", "delete"} and operation.get("security")
    ]
    assert writes
    for method, path in writes:
        url = re.sub(r"\{[^}]+\}", "1", path)
        response = getattr(strict, method)(url, "{}", content_type="application/json")
        assert response.status_code == 403, (method, path, response.status_code)
        assert response.json()["code"] == "csrf_failed", (method, path)


TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "willkommen"]
SCRIPT_WITH_BODY = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>\s*[^<\s]", re.I
)
HANDLER_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)


def _templates():
    for base in TEMPLATE_DIRS:
        for path in base.rglob("templates/**/*.html"):
            if "/email/" not in str(path):
                yield path


def test_csp_forbids_inline_scripts_and_styles():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in directives[directive]
        assert "'unsafe-eval'" not in directives[directive]
    assert directives["frame-ancestors"] == ["'none'"]


def test_no_template_has_inline_scripts_handlers_or_styles():
    """E-mail templates are left out: mail clients need inline styles, and no browser
    renders them under the site's CSP."""
    found = []
    templates = list(_templates())
    for path in templates:
        text = path.read_text()
        for name, pattern in (
            ("inline script", SCRIPT_WITH_BODY),
            ("event handler", HANDLER_ATTRIBUTE),
            ("style attribute", STYLE_ATTRIBUTE),
        ):
            if pattern.search(text):
                found.append((str(path.relative_to(settings.BASE_DIR)), name))
    assert len(templates) >= 30
    assert not found, found


@pytest.mark.parametrize(
    ("snippet", "pattern"),
    [
        ("<script>alert(1)</script>", SCRIPT_WITH_BODY),
        ('<button onclick="go()">', HANDLER_ATTRIBUTE),
        ('<div class="a" style="color:red">', STYLE_ATTRIBUTE),
    ],
)
def test_the_template_scan_finds_what_it_looks_for(snippet, pattern):
    """Control: the patterns of the scan above match the forbidden forms."""
    assert pattern.search(snippet)
    assert not pattern.search('<script src="/static/js/app.js"></script><div class="a">')
