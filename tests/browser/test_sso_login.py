"""A staff member signs in through the city's OpenID Connect provider in a real Chromium:
the provider's login form with a one-time code, back to Willkommen, case content without a
local TOTP (the provider asserted the second factor), and logout at both ends."""

import copy

import pytest
from django.urls import reverse

from tests.consultations.factories import SECRET_NOTE, caritas_consultation
from tests.sso.conftest import group_mapping  # noqa: F401  (fixture)
from tests.sso.peers import oidc_settings, start_oidc_provider  # noqa: F401  (fixture)
from willkommen.accounts.models import IdentitySource, Role, StaffMember

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def city_provider(live_server, settings, start_oidc_provider, group_mapping):  # noqa: F811
    provider = start_oidc_provider(
        redirect_uris=(f"{live_server.url}/staff/login/oidc/callback/",),
        post_logout_uris=(f"{live_server.url}/",),
    )
    oidc_settings(settings, provider, OIDC_PROVIDER_NAME="Stadt-Login")
    # What settings/identity.py does for OIDC_ISSUER at start-up: the logout form's
    # redirect to the provider must be allowed by the CSP's form-action.
    csp = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    csp["DIRECTIVES"]["form-action"] = ["'self'", provider.url]
    settings.CONTENT_SECURITY_POLICY = csp
    return provider


@pytest.fixture
def page(browser, live_server):
    # Not new_page: this flow leaves the installation for the provider on purpose.
    context = browser.new_context(locale="de-DE", base_url=live_server.url)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_sign_in_through_the_city_provider_and_out_again(page, city_provider, staff):
    page.goto("/staff/login/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Anmelden mit Stadt-Login").click()
    page.locator("#login").fill("amira")
    page.locator("#password").fill("amira-password")
    page.locator("#otp").fill("246810")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/")
    assert "Hallo, Amira" in page.content()

    amira = StaffMember.objects.get(identity_source=IdentitySource.OIDC, directory_subject="amira")
    record = caritas_consultation({**staff, Role.COUNSELLOR: amira})
    page.goto(reverse("consultations_staff:record", args=[record.pk]))
    assert SECRET_NOTE in page.content()

    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url(f"{city_provider.url}/session/end**")
    page.locator("button[name=logout]").click()
    page.wait_for_url(lambda url: "/session/end" not in url and url.startswith("http://localhost"))
    page.goto("/staff/")
    assert "/staff/login/" in page.url
