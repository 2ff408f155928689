"""Issue #8: every public page and every staff page (logged in per role), in German and in
Arabic, has the right ``lang`` and ``dir`` and no axe-core violation.

The pages come from the URL resolver, not from a hand list: a new public URL pattern makes
``test_every_public_url_pattern_is_crawled`` fail until the crawl knows how to build it
(``PUBLIC_PAGES``), walks it in the booking flow (``FLOW_PAGES``) or says why it is no page
(``NOT_PAGES``); staff URLs come from ``tests/staff_urls.py`` and its sample builders, like
the role test in ``tests/test_policy.py``. One browser context per role and language keeps
the session (login, second factor, language cookie) for all of that role's pages.

Run it alone with ``CI=true .venv/bin/pytest tests/browser/test_accessibility_crawl.py -q``;
violations are listed with URL, role and language.
"""

import io
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django_otp.oath import totp

from tests.booking.web.office import build_office
from tests.conftest import STAFF_PASSWORD
from tests.consultations import factories
from tests.staff_urls import (
    OBJECT_CHECKS,
    PUBLIC_STAFF_URLS,
    SAMPLE_KWARGS,
    staff_url_patterns,
    walk,
)
from willkommen.accounts import policy
from willkommen.accounts.models import Role
from willkommen.booking.models import Appointment
from willkommen.booking.tokens import make_confirm_token, make_manage_token
from willkommen.organisations.models import Language
from willkommen.release import requests as release_requests
from willkommen.release.draw import run_draw
from willkommen.release.models import ReleaseRound
from willkommen.release.tokens import make_confirm_token as make_release_confirm_token
from willkommen.release.tokens import make_status_token as make_release_status_token
from willkommen.walkins import services as walkins

from .conftest import DESKTOP, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# WCAG 2.1 A and AA, plus axe's best practices (headings, landmarks, ...): all of them pass.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}

LANGUAGES = {"de": "ltr", "ar": "rtl"}
BROWSER_LOCALES = {"de": "de-DE", "ar": "ar"}
LANGUAGE_COOKIE = "willkommen_language"
NOT_FOUND = "(404 page)"

# Right-to-left layout. ``dir="rtl"`` alone is not enough: a stylesheet with physical
# properties (KERN UX has some: ``padding-left``, ``float: left``, ``text-align: left``)
# keeps its left-to-right layout in Arabic. The check flips ``dir`` of the page to ``ltr``
# for a moment and compares computed styles: a side-specific value that differs from its
# opposite side and stays the same in both directions comes from a physical property.
RTL_CHECK = """
() => {
  const SIDES = [
    ["padding-left", "padding-right"],
    ["margin-left", "margin-right"],
    ["border-left-width", "border-right-width"],
    ["left", "right"],
  ];
  const describe = (el, pseudo) => {
    let text = el.tagName.toLowerCase();
    if (el.id) text += "#" + el.id;
    for (const name of el.classList) text += "." + name;
    return text + (pseudo || "");
  };
  const targets = [];
  for (const el of document.body.querySelectorAll("*")) {
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") continue;
    if (!el.getClientRects().length) continue;
    targets.push([el, null]);
    for (const pseudo of ["::before", "::after"]) {
      const content = getComputedStyle(el, pseudo).content;
      if (content && content !== "none" && content !== "normal") targets.push([el, pseudo]);
    }
  }
  const snapshot = () => targets.map(([el, pseudo]) => {
    const style = getComputedStyle(el, pseudo);
    const values = {direction: style.direction, "text-align": style.textAlign,
                    float: style.float, clear: style.clear, position: style.position};
    for (const pair of SIDES) for (const name of pair) values[name] = style.getPropertyValue(name);
    return values;
  });
  const html = document.documentElement;
  const rtl = snapshot();
  html.setAttribute("dir", "ltr");
  const ltr = snapshot();
  html.setAttribute("dir", "rtl");
  const found = new Map();
  targets.forEach(([el, pseudo], index) => {
    const before = rtl[index], after = ltr[index];
    if (before.direction !== "rtl") return;  // a left-to-right island (code, German text)
    const problems = [];
    if (before["text-align"] === "left") problems.push("text-align: left");
    for (const name of ["float", "clear"]) {
      const value = before[name];
      if ((value === "left" || value === "right") && value === after[name]) {
        problems.push(`${name}: ${value}`);
      }
    }
    for (const [left, right] of SIDES) {
      if (left === "left" && before.position === "static") continue;
      if (before[left] === before[right]) continue;
      if (before[left] === after[left] && before[right] === after[right]) {
        problems.push(`${left} ${before[left]} / ${right} ${before[right]}`);
      }
    }
    if (problems.length) {
      const key = describe(el, pseudo) + ": " + problems.join(", ");
      found.set(key, (found.get(key) || 0) + 1);
    }
  });
  return [...found].map(([key, count]) => count > 1 ? `${key} (${count}x)` : key);
}
"""

# WCAG 1.4.11: a form field needs a visible edge (a border, outline or shadow of its own or
# of the wrapper that draws it, as KERN's select wrapper does). axe does not check this.
FIELD_EDGE_CHECK = r"""
() => {
  const FIELDS = "select, textarea, input:not([type=hidden], [type=checkbox], [type=radio],"
    + " [type=submit], [type=button], [type=file])";
  const drawn = (el) => {
    const style = getComputedStyle(el);
    const sides = ["top", "right", "bottom", "left"].some((side) =>
      parseFloat(style.getPropertyValue(`border-${side}-width`)) >= 1
      && style.getPropertyValue(`border-${side}-style`) !== "none"
      && !/rgba\(.*, 0\)$/.test(style.getPropertyValue(`border-${side}-color`)));
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 1;
    return sides || outline || (style.boxShadow && style.boxShadow !== "none");
  };
  const found = [];
  for (const field of document.querySelectorAll(FIELDS)) {
    if (!field.getClientRects().length) continue;
    if (getComputedStyle(field).visibility === "hidden") continue;
    if (drawn(field) || (field.parentElement && drawn(field.parentElement))) continue;
    const name = field.id ? "#" + field.id : `[name=${field.name}]`;
    found.push(field.tagName.toLowerCase() + name);
  }
  return found;
}
"""

# Forms that are also sent empty, to check how their errors are shown.
FORMS_SENT_EMPTY = {
    "booking:external",
    "booking:office_appointment",
    "directory_staff:create",
    "release:request",
    "walkins_staff:intake",
}

# Pages that are printed; they are checked once more with print styles.
PRINTED_PAGES = {
    "directory_staff:referral_sheet",
    "statistics_staff:report",
    "statistics_staff:organisation_report",
    "walkins_staff:ticket",
}


# Public pages ------------------------------------------------------------------------------


def _token_url(name, appointment, token_maker=make_manage_token, query=""):
    url = reverse(name, kwargs={"code": appointment.code})
    return f"{url}?token={token_maker(appointment)}{query}"


def _legal(name):
    return lambda world: [reverse(name)]


def _release_status(request, query=""):
    url = reverse("release:status", kwargs={"number": request.number})
    return f"{url}?token={make_release_status_token(request)}{query}"


# URL name -> the paths to check, built from the objects of ``public_world``; a path that
# should not answer 200 comes with its status.
PUBLIC_PAGES = {
    "pages:start": _legal("pages:start"),
    "pages:imprint": _legal("pages:imprint"),
    "pages:privacy": _legal("pages:privacy"),
    "pages:accessibility": _legal("pages:accessibility"),
    "pages:easy_german": _legal("pages:easy_german"),
    "pages:sign_language": _legal("pages:sign_language"),
    "accounts:login": _legal("accounts:login"),
    "booking:external": _legal("booking:external"),
    "booking:office_appointment": _legal("booking:office_appointment"),
    "booking:lost_link": _legal("booking:lost_link"),
    "booking:done": lambda world: [_token_url("booking:done", world.appointment)],
    "booking:confirm": lambda world: [
        _token_url("booking:confirm", world.appointment, make_confirm_token)
    ],
    "booking:manage": lambda world: [
        _token_url("booking:manage", world.appointment),
        # A tampered link: the "invalid link" page.
        (reverse("booking:manage", kwargs={"code": world.appointment.code}) + "?token=x", 404),
    ],
    "booking:move": lambda world: [
        _token_url("booking:move", world.appointment),
        _token_url("booking:move", world.appointment, query=f"&day={world.day}"),
    ],
    "booking:move_consultation": lambda world: [
        _token_url("booking:move_consultation", world.appointment)
    ],
    "walkins:ticket": lambda world: [
        reverse("walkins:ticket", kwargs={"token": world.ticket.public_token})
    ],
    "walkins:display": lambda world: [
        reverse("walkins:display", kwargs={"location_id": world.location.pk})
    ],
    "directory:search": lambda world: [
        reverse("directory:search"),
        reverse("directory:search") + "?q=Mieterverein",
    ],
    "directory:detail": lambda world: [reverse("directory:detail", kwargs={"pk": world.offer.pk})],
    "release:rounds": _legal("release:rounds"),
    "release:round": lambda world: [
        # Before the draw (the seed's hash) and after it (the seed, the numbers in draw order).
        reverse("release:round", kwargs={"round_id": world.release.open_round.pk}),
        reverse("release:round", kwargs={"round_id": world.release.drawn_round.pk}),
        # A number looked up in the order: found (its row marked), and not found (the error).
        reverse("release:round", kwargs={"round_id": world.release.drawn_round.pk})
        + f"?number={world.release.drawn.number}",
        reverse("release:round", kwargs={"round_id": world.release.drawn_round.pk})
        + "?number=NOPE",
        (reverse("release:round", kwargs={"round_id": 999999}), 404),
    ],
    "release:request": lambda world: [
        reverse("release:request", kwargs={"round_id": world.release.open_round.pk})
    ],
    "release:confirm": lambda world: [
        reverse("release:confirm", kwargs={"number": world.release.unconfirmed.number})
        + f"?token={make_release_confirm_token(world.release.unconfirmed)}"
    ],
    "release:status": lambda world: [
        _release_status(world.release.unconfirmed, "&new=1"),
        _release_status(world.release.confirmed),
        _release_status(world.release.drawn),
        # A tampered link: the "invalid link" page.
        (
            reverse("release:status", kwargs={"number": world.release.drawn.number}) + "?token=x",
            404,
        ),
    ],
}

# Walked by ``walk_the_booking_flow`` through the real forms (they need session state).
FLOW_PAGES = {"booking:start", "booking:service", "booking:details"}

# No HTML page to check; ``test_what_is_no_page_shows_no_page`` holds each to its reason.
NOT_PAGES = {
    "healthz": "JSON for load balancers",
    "metrics": "Prometheus text, 404 unless configured",
    "welcome_service_metrics": "Prometheus text, 404 unless its own token is configured",
    "set_language": "the language switcher's POST target",
    "booking:choose": "POST only: the time buttons of the service page",
    "booking:cancel": "POST only: the buttons of the manage page (its question page is "
    "checked by tests/browser/test_links_and_guard_rails.py)",
    "booking:lost_link_sent": "only after a request in the same session (else a redirect "
    "to the form); checked by tests/browser/test_links_and_guard_rails.py",
    "booking:calendar": "an .ics file",
    "release:order_file": "a CSV file (the whole draw order; checked by "
    "tests/release/test_public_order.py)",
    "release:withdraw": "POST only: the status page's button (pressed by "
    "tests/browser/test_release.py)",
    "accounts:logout": "POST only: the log-out button",
    "accounts:oidc_login": "a redirect to the city's identity provider, not a page",
    "accounts:oidc_callback": "the identity provider's redirect back, not a page",
}


def public_url_names():
    names = set()
    for route, name, _pattern in walk():
        if name in PUBLIC_STAFF_URLS or not route.startswith(("staff/", "api/", "admin/")):
            names.add(name or route)
    return names


def test_every_public_url_pattern_is_crawled():
    known = set(PUBLIC_PAGES) | FLOW_PAGES | set(NOT_PAGES)
    missing = public_url_names() - known
    assert not missing, (
        f"new public URL patterns {sorted(missing)}: add them to PUBLIC_PAGES (with objects "
        "in public_world), FLOW_PAGES or NOT_PAGES in tests/browser/test_accessibility_crawl.py"
    )
    assert not known - public_url_names(), "the crawl names URL patterns that no longer exist"


def test_what_is_no_page_shows_no_page(db):
    """Guards ``NOT_PAGES``: a GET of each is not an HTML page with status 200."""
    client = Client()
    for route, name, pattern in walk():
        if name not in NOT_PAGES:
            continue
        kwargs = dict.fromkeys(pattern.pattern.converters, "x")
        for integer in ("service_id", "round_id"):
            if integer in kwargs:
                kwargs[integer] = 1
        response = client.get(reverse(name, kwargs=kwargs) if kwargs else reverse(name))
        is_page = response.status_code == 200 and response.get("Content-Type", "").startswith(
            "text/html"
        )
        assert not is_page, f"{name} ({route}) is an HTML page: crawl it"


@dataclass
class ReleaseWorld:
    open_round: object
    drawn_round: object
    unconfirmed: object
    confirmed: object
    drawn: object


@dataclass
class World:
    location: object
    service: object
    appointment: object
    ticket: object
    offer: object
    day: str
    release: ReleaseWorld


def release_round(office, opens_at):
    """A round over the day a week after the office's day (the booking pages of the crawl
    keep the office's day), its window open for an hour from ``opens_at``."""
    day = office.day + timedelta(days=7)
    created = ReleaseRound.objects.create(
        location=office.location,
        first_day=day,
        last_day=day,
        opens_at=opens_at,
        closes_at=opens_at + timedelta(hours=1),
        draw_at=opens_at + timedelta(hours=2),
    )
    created.services.set([office.service])
    created.desks.set([office.desk])
    return created


def release_request(office, in_round, email, now, confirmed=True):
    request, _token = release_requests.submit(
        in_round,
        service_id=office.service.pk,
        name="Amal Haddad",
        email=email,
        language="ar",
        strict=False,
        now=now,
    )
    if confirmed:
        release_requests.confirm(request.number, make_release_confirm_token(request), now=now)
    return request


def release_world(office):
    """A round open now (an unconfirmed and a confirmed request) and one drawn."""
    now = timezone.now()
    open_round = release_round(office, now - timedelta(minutes=30))
    earlier = now - timedelta(hours=4)
    drawn_round = release_round(office, earlier)
    drawn = release_request(office, drawn_round, "drawn@example.org", earlier)
    release_request(office, drawn_round, "also-drawn@example.org", earlier)
    run_draw(drawn_round.pk, now=now)
    drawn.refresh_from_db()
    assert drawn.appointment is not None
    return ReleaseWorld(
        open_round=open_round,
        drawn_round=drawn_round,
        unconfirmed=release_request(office, open_round, "new@example.org", now, confirmed=False),
        confirmed=release_request(office, open_round, "confirmed@example.org", now),
        drawn=drawn,
    )


def public_world(office, booked):
    arabic = Language.objects.get(code="ar")
    ticket = walkins.register_walk_in(office.location, arabic, [], None, office.counsellor)
    offer = factories.offer("Mieterverein Hannover")
    return World(
        location=office.location,
        service=office.service,
        appointment=booked,
        ticket=ticket,
        offer=offer,
        day=office.day.isoformat(),
        release=release_world(office),
    )


# Crawling ------------------------------------------------------------------------------------


@dataclass
class Crawl:
    """One browser context (one session, one language) and what was found in it."""

    page: object
    language: str
    who: str
    checked: dict = field(default_factory=dict)  # path -> URL name
    problems: list = field(default_factory=list)

    def check(self, url=None, status=200):
        """Checks the page at ``url`` (or the one now shown): lang, dir, axe."""
        page = self.page
        if url is not None:
            response = page.goto(url)
            if response.status != status:
                self.problems.append(f"{self.where(url)}: status {response.status}, not {status}")
                return
        split = urlsplit(page.url)
        path = split.path + (f"?{split.query}" if split.query else "")
        if path in self.checked:
            return
        try:
            name = resolve(split.path).view_name
        except Resolver404:
            name = NOT_FOUND
        self.checked[path] = name
        html = page.locator("html")
        lang, direction = html.get_attribute("lang"), html.get_attribute("dir")
        if lang != self.language or direction != LANGUAGES[self.language]:
            self.problems.append(f"{self.where(path)}: <html lang={lang} dir={direction}>")
        self.inspect(path)
        if name in PRINTED_PAGES:
            page.emulate_media(media="print")
            self.inspect(f"{path} (print)")
            page.emulate_media(media="screen")
        if name in FORMS_SENT_EMPTY:
            page.locator("main form[method=post] button[type=submit]").first.click()
            page.wait_for_load_state()
            assert page.locator(".kern-error, #form-errors").count(), f"{path}: no errors shown"
            self.checked[f"{path} (sent empty)"] = name
            self.inspect(f"{path} (sent empty)")

    def inspect(self, path):
        """axe-core, and on right-to-left pages the layout check."""
        for violation in run_axe(self.page):
            self.problems.append(f"{self.where(path)}: {violation}")
        for problem in self.page.evaluate(FIELD_EDGE_CHECK):
            self.problems.append(f"{self.where(path)}: field without a visible edge: {problem}")
        if LANGUAGES[self.language] == "rtl":
            for problem in self.page.evaluate(RTL_CHECK):
                self.problems.append(f"{self.where(path)}: not mirrored: {problem}")

    def where(self, path):
        return f"[{self.language}] [{self.who}] {path}"

    def report(self):
        print(f"\n{self.who} in {self.language}: {len(self.checked)} pages checked")
        for path, name in sorted(self.checked.items()):
            print(f"  {name:45} {path}")
        if self.problems:
            problems = "\n".join(self.problems)
            pytest.fail(f"{len(self.problems)} problems:\n{problems}", pytrace=False)


def run_axe(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    found = []
    for violation in results.response.get("violations", []):
        nodes = violation.get("nodes", [])
        targets = ", ".join(" ".join(node.get("target", [])) for node in nodes[:4])
        more = f" (+{len(nodes) - 4} more)" if len(nodes) > 4 else ""
        summary = (nodes[0].get("failureSummary") or "").replace("\n", " ") if nodes else ""
        found.append(
            f"{violation['id']} ({violation.get('impact')}): {violation.get('help')}"
            f" -> {targets}{more} | {summary[:300]}"
        )
    return found


def open_crawl(new_page, live_server, language, who):
    page = new_page(viewport=DESKTOP, locale=BROWSER_LOCALES[language])
    page.context.add_cookies(
        [{"name": LANGUAGE_COOKIE, "value": language, "url": live_server.url}]
    )
    return Crawl(page=page, language=language, who=who)


def walk_the_booking_flow(crawl):
    """concern -> what to bring and day -> consultation -> time -> details -> confirmation,
    by following the real links and forms."""
    page = crawl.page
    crawl.check("/book/")
    page.locator(".choice-list__item").first.click()
    crawl.check()
    page.locator(".month-grid__day").first.click()
    crawl.check()
    page.locator("#id_consultation").check()
    page.locator("#id_language").select_option("ar")
    page.locator("input[name=topics][value=forms]").check()
    page.locator("section[aria-labelledby=consultation-heading] button[type=submit]").click()
    crawl.check()
    page.locator(".slot-list button.slot").first.click()
    assert "/book/details/" in page.url
    crawl.check()
    page.locator("#id_name").fill("أمل حداد")
    page.locator("#id_email").fill("amal@example.org")
    page.locator("#id_privacy").check()
    page.wait_for_function(
        "() => { const f = document.querySelector('input[name=altcha]');"
        " return f && f.value.length > 20; }",
        timeout=20_000,
    )
    page.locator("#details-form button[type=submit]").click()
    assert page.locator(".booking-code strong").is_visible()
    crawl.check()
    return Appointment.objects.get(email="amal@example.org")


@pytest.fixture
def office(organisations, make_staff, settings):
    cache.clear()
    settings.BOOKING_CAPTCHA_COST = 1  # the widget solves it at once
    return build_office(organisations, make_staff)


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_public_pages_have_no_axe_violation(new_page, live_server, office, language):
    crawl = open_crawl(new_page, live_server, language, "public")
    booked = walk_the_booking_flow(crawl)
    assert mail.outbox, "the booking flow ended without a confirmation e-mail"
    world = public_world(office, booked)
    for build in PUBLIC_PAGES.values():
        for entry in build(world):
            url, status = entry if isinstance(entry, tuple) else (entry, 200)
            crawl.check(url, status)
    crawl.check("/this-page-does-not-exist/", status=404)
    reached = set(crawl.checked.values())
    assert (set(PUBLIC_PAGES) | FLOW_PAGES) <= reached, "not every public page was checked"
    crawl.report()


# Staff pages ---------------------------------------------------------------------------------


def staff_urls_for(user, staff):
    """Every staff URL ``user`` may open, with objects from the sample builders."""
    urls = [reverse("accounts:home")]
    for _route, name, pattern in staff_url_patterns():
        required = pattern.callback.required_permission
        if required is not None and not policy.has_permission(user, required):
            continue
        if pattern.pattern.converters:
            assert name in SAMPLE_KWARGS, f"add sample kwargs for {name} to tests/url_samples_*"
            kwargs = SAMPLE_KWARGS[name](staff)
            if name in OBJECT_CHECKS and not OBJECT_CHECKS[name](user, kwargs):
                continue  # another organisation's object: 403 by design (tests/test_policy.py)
            urls.append(reverse(name, kwargs=kwargs))
        else:
            urls.append(reverse(name))
    if policy.has_permission(user, policy.Permission.VIEW_OFFICE_CALENDAR):
        # The day of the sample appointment (tomorrow), with its row in the calendar.
        tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
        urls.append(f"{reverse('booking_staff:calendar')}?date={tomorrow}")
    if policy.has_permission(user, policy.Permission.DOCUMENT_CONSULTATION):
        # The printed referral sheet: Arabic beside German.
        offer = factories.offer("Mieterverein Hannover")
        urls.append(f"{reverse('directory_staff:referral_sheet')}?offers={offer.pk}&lang=ar")
    return urls


def current_token(device):
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def pass_second_factor(crawl, user):
    """The counsellor has a device and is asked for a code; the lead sets one up first.
    Both pages are checked on the way."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page = crawl.page
    if user.role == Role.COUNSELLOR:
        device = factories.verified_device(user)
        crawl.check(reverse("consultations_staff:otp_verify"))
    else:
        crawl.check(reverse("consultations_staff:otp_setup"))
        device = TOTPDevice.objects.get(user=user)
    page.locator("#id_token").fill(current_token(device))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/second-factor/" not in page.url, page.url


def is_html_page(crawl, url):
    """Downloads and POST-only actions (405) are no pages; anything else that is allowed
    must open (after redirects) with 200."""
    response = crawl.page.context.request.get(url)
    if response.status == 405:
        return False
    if response.status != 200:
        crawl.problems.append(f"{crawl.where(url)}: status {response.status} for an allowed URL")
        return False
    return response.headers.get("content-type", "").startswith("text/html")


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_staff_pages_have_no_axe_violation(new_page, live_server, staff, role, language):
    user = staff[role]
    urls = staff_urls_for(user, staff)
    crawl = open_crawl(new_page, live_server, language, role.value)
    login(crawl.page, user.username, STAFF_PASSWORD)
    crawl.page.wait_for_url("**/staff/")
    if role in policy.CASE_CONTENT_ROLES:
        pass_second_factor(crawl, user)
    for url in urls:
        if is_html_page(crawl, url):
            crawl.check(url)
    assert "accounts:home" in crawl.checked.values()
    crawl.report()


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_statistics_with_a_year_of_figures_have_no_axe_violation(new_page, live_server, language):
    """The crawl above sees empty statistics; charts and full tables need the demo year."""
    call_command("seed_demo", stdout=io.StringIO())
    crawl = open_crawl(new_page, live_server, language, "coordinator (demo year)")
    login(crawl.page, "coordinator", "willkommen-demo")
    crawl.page.wait_for_url("**/staff/")
    for name in ("statistics_staff:dashboard", "statistics_staff:report"):
        crawl.check(reverse(name))
    crawl.check(f"{reverse('statistics_staff:dashboard')}?granularity=month")
    assert crawl.page.locator("svg.statistics-chart").count() >= 1
    crawl.report()


def test_provider_names_keep_their_direction_in_arabic(client, staff):
    """A German provider name in an Arabic column ("… e. V.") is isolated with <bdi>;
    without it the full stop jumps to the other end of the name."""
    offer = factories.offer("Mieterverein Hannover")
    offer.provider = "Mieterverein Hannover e. V."
    offer.save()
    isolated = "<bdi>Mieterverein Hannover e. V.</bdi>"
    factories.login_verified(client, staff[Role.COUNSELLOR])
    sheet = client.get(
        reverse("directory_staff:referral_sheet"),
        {"offers": offer.pk, "lang": "ar"},
        HTTP_ACCEPT_LANGUAGE="ar",
    )
    assert sheet.content.decode().count(isolated) == 2  # the Arabic and the German column
    detail = client.get(f"{reverse('directory:detail', kwargs={'pk': offer.pk})}?lang=ar")
    assert isolated in detail.content.decode()
