"""Playwright for Python driving Debian's Chromium.

Playwright's own browser download does not work in our environments, so the tests use the
system Chromium. Without it they are skipped with a visible reason on a developer's
machine; when ``CI`` is set a missing browser is a failure, never a skip.
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by tests
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_CANDIDATES = ["chromium", "chromium-browser", "google-chrome"]
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

PHONE = {"width": 360, "height": 740}
TABLET = {"width": 800, "height": 1280}
DESKTOP = {"width": 1280, "height": 900}


def find_chromium():
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit if os.path.exists(explicit) else None
    for name in CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="session")
def chromium_path():
    path = find_chromium()
    if path is None:
        reason = "no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)"
        if os.environ.get("CI"):
            pytest.fail(f"browser tests need Chromium in CI: {reason}")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Opens pages of the live server: ``new_page(viewport=PHONE, locale="ar")``."""
    contexts = []
    outside_requests = []
    own_origin = live_server.url

    def block_outside(route):
        # Nothing may be loaded from outside the installation (no CDN, fonts, trackers).
        url = route.request.url
        if url.startswith((own_origin, "data:", "blob:")):
            route.continue_()
        else:
            outside_requests.append(url)
            route.abort()

    def open_page(viewport=DESKTOP, locale="de-DE", **options):
        context = browser.new_context(
            viewport=viewport, locale=locale, base_url=live_server.url, **options
        )
        context.set_default_timeout(15_000)
        context.route("**/*", block_outside)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    assert outside_requests == [], f"pages tried to load from outside: {outside_requests}"


def axe_violations(page):
    """Runs axe-core (shipped inside axe-playwright-python) on the page; returns the list
    of violations with their ids and the first offending node, for readable failures."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        {
            "id": violation["id"],
            "impact": violation.get("impact"),
            "help": violation.get("help"),
            "nodes": [node.get("target") for node in violation.get("nodes", [])][:3],
        }
        for violation in results.response.get("violations", [])
    ]


def login(page, username, password):
    page.goto("/staff/login/")
    page.get_by_label("Benutzername").or_(page.locator("#id_username")).first.fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form button[type=submit]").last.click()
