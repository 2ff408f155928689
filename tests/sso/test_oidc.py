"""OpenID Connect sign-in against a real, certified provider (oidc-provider on Node.js).

No part of the protocol is mocked: Willkommen's test client talks to the provider over
HTTP (discovery, key set, token and userinfo endpoints), and the person's side of the
flow (authorization request, login form, consent, redirect back) is a real HTTP client
with cookies (``ProviderBrowser``).
"""

import re
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.test import Client
from django.urls import reverse

from tests.consultations.factories import SECRET_NOTE, caritas_consultation, language, topics
from tests.sso.peers import (
    CALLBACK,
    CLIENT_ID,
    CLIENT_SECRET,
    ProviderBrowser,
    free_port,
    oidc_settings,
    oidc_sign_in,
)
from willkommen.accounts import oidc
from willkommen.accounts.models import IdentitySource, Role, StaffMember

pytestmark = pytest.mark.django_db


def account(login):
    return StaffMember.objects.filter(
        identity_source=IdentitySource.OIDC, directory_subject=login
    ).first()


def problem_of(response):
    match = re.search(r'data-problem="([a-z_]+)"', response.content.decode())
    return match.group(1) if match else None


def fresh_client():
    client = Client()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def sso(settings, oidc_provider, group_mapping):
    oidc_settings(settings, oidc_provider)
    language("ar"), language("fa"), topics()
    return oidc_provider


def test_a_first_sign_in_creates_the_account_with_role_organisation_languages_and_topics(
    client, sso
):
    response, _callback = oidc_sign_in(client, sso, "amira", next_url="/staff/walkins/")
    assert response.status_code == 302 and response["Location"] == "/staff/walkins/"
    user = account("amira")
    assert (user.role, user.organisation.short_name) == (Role.COUNSELLOR, "Caritas")
    assert (user.first_name, user.last_name) == ("Amira", "Haddad")
    assert user.email == "amira@example.org"
    assert sorted(user.languages.values_list("code", flat=True)) == ["ar", "fa"]
    assert sorted(user.topics.values_list("slug", flat=True)) == ["housing", "work"]
    assert not user.has_usable_password() and user.username == "amira"
    assert client.get("/staff/").status_code == 200


def test_the_sign_in_request_uses_pkce_state_and_nonce(client, sso):
    start = client.get("/staff/login/oidc/")
    query = parse_qs(urlsplit(start["Location"]).query)
    assert start["Location"].startswith(f"{sso.url}/auth?")
    assert query["response_type"] == ["code"] and query["client_id"] == [CLIENT_ID]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 20 and len(query["nonce"][0]) >= 20
    assert query["redirect_uri"] == [CALLBACK]
    # The provider itself insists on PKCE: without a challenge it refuses the request.
    without_pkce = re.sub(r"&code_challenge(_method)?=[^&]+", "", start["Location"])
    page, _back = ProviderBrowser(sso).follow(without_pkce)
    assert "invalid_request" in page.text


def test_groups_map_to_roles_and_organisations(sso):
    expected = {
        "ben": (Role.ORGANISATION_LEAD, "Caritas"),  # also a counsellor: the first rule wins
        "clara": (Role.OFFICE_CLERK, "ABH"),  # from the admin's group mapping
        "olga": (Role.OUTREACH, "Stadt"),
        "otto": (Role.OPERATOR, "Stadt"),
    }
    for login, (role, organisation) in expected.items():
        client = fresh_client()
        response, _callback = oidc_sign_in(client, sso, login)
        assert response.status_code == 302, login
        user = account(login)
        assert (user.role, user.organisation.short_name) == (role, organisation)
        admin = client.get("/admin/")
        assert admin.status_code == (200 if role == Role.OPERATOR else 302), login


def test_a_later_sign_in_updates_the_account(client, sso):
    oidc_sign_in(client, sso, "amira")
    sso.update_user("amira", groups=["willkommen-city-outreach"], family_name="Haddad-Nouri")
    oidc_sign_in(fresh_client(), sso, "amira")
    user = account("amira")
    assert (user.role, user.organisation.short_name) == (Role.OUTREACH, "Stadt")
    assert user.last_name == "Haddad-Nouri"
    assert StaffMember.objects.filter(identity_source=IdentitySource.OIDC).count() == 1


def test_no_mapped_group_gets_a_clear_page_and_no_account(client, sso):
    response, _callback = oidc_sign_in(client, sso, "dora")
    assert response.status_code == 403 and problem_of(response) == "no_mapped_group"
    assert "none of your groups gives you a role" in response.content.decode()
    assert account("dora") is None and "_auth_user_id" not in client.session


def test_a_directory_account_never_takes_over_a_local_one(client, sso, make_staff):
    local = make_staff(Role.OPERATOR, username="otto")
    oidc_sign_in(client, sso, "otto")
    directory_otto = account("otto")
    assert directory_otto.pk != local.pk and directory_otto.username == "otto@oidc"
    assert int(client.session["_auth_user_id"]) == directory_otto.pk


def test_a_removed_group_ends_the_session_at_the_next_check(client, sso, settings):
    oidc_sign_in(client, sso, "amira")
    sso.update_user("amira", groups=["kantine"])
    settings.SSO_SESSION_MAX_AGE = 0
    response = client.get("/staff/walkins/")
    assert response.status_code == 302 and response["Location"].startswith("/staff/login/")
    user = account("amira")
    assert not user.is_active and user.deactivated_by_directory
    # Back in a mapped group, the next sign-in switches the account on again.
    sso.update_user("amira", groups=["willkommen-caritas-counsellors"])
    oidc_sign_in(client, sso, "amira")
    assert account("amira").is_active


def test_control_without_a_due_check_a_removed_group_keeps_its_role_until_max_age(
    client, sso, settings
):
    """The failure mode the setting bounds: before SSO_SESSION_MAX_AGE has passed the
    session still carries the role the directory has already taken away."""
    oidc_sign_in(client, sso, "amira")
    sso.update_user("amira", groups=["kantine"])
    settings.SSO_SESSION_MAX_AGE = 3600
    assert client.get("/staff/walkins/").status_code == 200
    assert account("amira").role == Role.COUNSELLOR


def test_a_changed_group_changes_the_role_for_new_requests(client, sso, settings):
    oidc_sign_in(client, sso, "amira")
    assert client.get("/staff/consultations/").status_code in (200, 302)
    sso.update_user("amira", groups=["willkommen-city-outreach"])
    settings.SSO_SESSION_MAX_AGE = 0
    assert client.get("/staff/consultations/").status_code == 403
    assert account("amira").role == Role.OUTREACH


def test_a_disabled_account_loses_its_session_and_cannot_sign_in(client, sso, settings):
    oidc_sign_in(client, sso, "amira")
    sso.update_user("amira", disabled=True)
    settings.SSO_SESSION_MAX_AGE = 0
    response = client.get("/staff/")
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    start = fresh_client().get("/staff/login/oidc/")
    page, back = ProviderBrowser(sso).follow(start["Location"])
    _refused, back = ProviderBrowser(sso).follow(
        f"{page.url}/login", "POST", {"login": "amira", "password": "amira-password"}
    )
    assert back is None  # the provider never sends a disabled person back


def test_an_account_switched_off_here_stays_off(client, sso):
    oidc_sign_in(fresh_client(), sso, "amira")
    StaffMember.objects.filter(pk=account("amira").pk).update(is_active=False)
    response, _callback = oidc_sign_in(client, sso, "amira")
    assert response.status_code == 403 and problem_of(response) == "account_disabled"
    assert "_auth_user_id" not in client.session


def test_a_wrong_issuer_in_the_discovery_document_is_refused(
    client, settings, start_oidc_provider, group_mapping
):
    impostor = start_oidc_provider(issuer="https://issuer.invalid")
    oidc_settings(settings, impostor)  # expects the issuer at its own URL
    response = client.get("/staff/login/oidc/")
    assert response.status_code == 503 and problem_of(response) == "unavailable"


def test_a_wrong_issuer_in_the_id_token_is_refused(
    client, settings, start_oidc_provider, group_mapping, monkeypatch
):
    impostor = start_oidc_provider(issuer="https://issuer.invalid")
    oidc_settings(settings, impostor)
    monkeypatch.setattr(oidc, "check_discovery_issuer", lambda metadata: None)
    response, _callback = oidc_sign_in(client, impostor, "amira")
    assert response.status_code == 400 and problem_of(response) == "failed"
    assert account("amira") is None and "_auth_user_id" not in client.session


def test_control_without_the_issuer_checks_a_foreign_issuer_signs_in(
    client, settings, start_oidc_provider, group_mapping, monkeypatch
):
    impostor = start_oidc_provider(issuer="https://issuer.invalid")
    oidc_settings(settings, impostor)
    monkeypatch.setattr(oidc, "check_discovery_issuer", lambda metadata: None)
    monkeypatch.setattr(
        oidc, "id_token_claims_options", lambda: {"aud": {"essential": True, "value": CLIENT_ID}}
    )
    response, _callback = oidc_sign_in(client, impostor, "amira")
    assert response.status_code == 302 and account("amira") is not None


def test_a_code_issued_to_another_client_is_refused(client, sso, settings):
    """Willkommen configured as another client cannot redeem the code: the provider
    refuses the exchange and the sign-in page says so."""
    start = client.get("/staff/login/oidc/")
    callback = ProviderBrowser(sso).sign_in(start["Location"], "amira")
    settings.OIDC_CLIENT_ID = "another-application"
    response = client.get(callback)
    assert response.status_code == 400 and problem_of(response) == "failed"
    assert account("amira") is None


def test_an_id_token_for_another_audience_is_refused(client, sso, settings):
    """A genuine, signed ID token of the provider, issued to client ``willkommen``, is
    refused by an installation whose client id is another one (aud check)."""
    start = client.get("/staff/login/oidc/")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    callback = ProviderBrowser(sso).sign_in(start["Location"], "amira")
    flow = client.session[f"_state_willkommen_oidc_{state}"]["data"]
    token = httpx.post(
        oidc.provider_metadata()["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": parse_qs(urlsplit(callback).query)["code"][0],
            "redirect_uri": CALLBACK,
            "code_verifier": flow["code_verifier"],
        },
        auth=(CLIENT_ID, CLIENT_SECRET),
    ).json()
    options = oidc.id_token_claims_options
    claims = oidc.client().parse_id_token(token, nonce=flow["nonce"], claims_options=options())
    assert claims["aud"] == CLIENT_ID  # control: for its own audience the token is fine
    settings.OIDC_CLIENT_ID = "another-application"
    with pytest.raises(oidc.ProtocolError):
        oidc.client().parse_id_token(token, nonce=flow["nonce"], claims_options=options())


def test_a_replayed_state_is_refused(client, sso):
    first, callback = oidc_sign_in(client, sso, "amira")
    assert first.status_code == 302
    client.post(reverse("accounts:logout"))
    again = client.get(callback)  # the same answer once more, in the same browser
    assert again.status_code == 400 and problem_of(again) == "failed"
    assert "_auth_user_id" not in client.session
    elsewhere = fresh_client().get(callback)  # or copied into another browser
    assert elsewhere.status_code == 400


def test_a_callback_from_another_session_is_refused(client, sso):
    """Login CSRF: an attacker's unredeemed callback planted in the victim's browser
    does not sign the victim in as the attacker."""
    attacker = fresh_client()
    start = attacker.get("/staff/login/oidc/")
    callback = ProviderBrowser(sso).sign_in(start["Location"], "ben")
    victim = client.get(callback)
    assert victim.status_code == 400 and "_auth_user_id" not in client.session
    # Control: in the session that started it, the same answer signs in.
    assert attacker.get(callback).status_code == 302 and account("ben") is not None


def test_an_expired_id_token_is_refused(client, settings, start_oidc_provider, group_mapping):
    # The provider's clock is ten minutes behind: its ID tokens (two minutes) have expired
    # when they arrive, beyond Authlib's two minutes of leeway for clock skew.
    late = start_oidc_provider(clock_offset_s=-600, ttl={"INTERACTION": 7200, "SESSION": 7200})
    oidc_settings(settings, late)
    response, _callback = oidc_sign_in(client, late, "amira")
    assert response.status_code == 400 and problem_of(response) == "failed"
    assert account("amira") is None


def test_an_expired_authorization_code_is_refused(
    client, settings, start_oidc_provider, group_mapping
):
    provider = start_oidc_provider(ttl={"AUTHORIZATION_CODE": 1})
    oidc_settings(settings, provider)
    start = client.get("/staff/login/oidc/")
    callback = ProviderBrowser(provider).sign_in(start["Location"], "amira")
    time.sleep(2.2)
    response = client.get(callback)
    assert response.status_code == 400 and problem_of(response) == "failed"
    assert account("amira") is None


def test_an_unreachable_provider_gives_a_clear_page_never_a_500(client, sso, settings):
    # Down before the sign-in starts.
    settings.OIDC_DISCOVERY_URL = (
        f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    )
    oidc.clear_metadata_cache()
    response = client.get("/staff/login/oidc/")
    assert response.status_code == 503 and problem_of(response) == "unavailable"
    assert "sign-in service right now" in response.content.decode()
    # Down between the login at the provider and the callback.
    oidc_settings(settings, sso)
    start = client.get("/staff/login/oidc/")
    callback = ProviderBrowser(sso).sign_in(start["Location"], "amira")
    sso.stop()
    response = client.get(callback)
    assert response.status_code == 503 and response["Retry-After"]
    assert account("amira") is None


def test_an_unreachable_provider_at_re_validation_blocks_the_session(client, sso, settings):
    oidc_sign_in(client, sso, "amira")
    sso.stop()
    settings.SSO_SESSION_MAX_AGE = 0
    page = client.get("/staff/walkins/")
    assert page.status_code == 503 and problem_of(page) == "unavailable"
    api = client.get("/api/v1/consultations")
    assert api.status_code == 503 and api.json()["code"] == "directory_unavailable"


def test_the_providers_mfa_counts_as_second_factor_for_case_content(client, sso, staff):
    oidc_sign_in(client, sso, "amira", otp="246810")
    amira = account("amira")
    record = caritas_consultation({**staff, Role.COUNSELLOR: amira})
    page = client.get(reverse("consultations_staff:record", args=[record.pk]))
    assert page.status_code == 200 and SECRET_NOTE in page.content.decode()
    api = client.get(f"/api/v1/consultations/{record.pk}")
    assert api.status_code == 200 and api.json()["note"] == SECRET_NOTE


def test_without_the_providers_mfa_case_content_still_needs_totp(client, sso, staff):
    oidc_sign_in(client, sso, "amira")  # password only: amr ["pwd"]
    record = caritas_consultation({**staff, Role.COUNSELLOR: account("amira")})
    page = client.get(reverse("consultations_staff:record", args=[record.pk]))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("consultations_staff:otp_setup"))
    assert client.get(f"/api/v1/consultations/{record.pk}").status_code == 403


def test_control_mfa_counts_only_when_the_operator_names_its_value(client, sso, staff, settings):
    settings.OIDC_MFA_AMR_VALUES = []
    oidc_sign_in(client, sso, "amira", otp="246810")
    record = caritas_consultation({**staff, Role.COUNSELLOR: account("amira")})
    page = client.get(reverse("consultations_staff:record", args=[record.pk]))
    assert page.status_code == 302


def test_mfa_by_acr_value(client, sso, staff, settings):
    settings.OIDC_MFA_AMR_VALUES = []
    settings.OIDC_MFA_ACR_VALUES = ["urn:willkommen:test:mfa"]
    oidc_sign_in(client, sso, "amira", otp="246810")
    record = caritas_consultation({**staff, Role.COUNSELLOR: account("amira")})
    assert client.get(reverse("consultations_staff:record", args=[record.pk])).status_code == 200


def test_logout_ends_the_session_at_the_provider_too(client, sso):
    browser = ProviderBrowser(sso)
    oidc_sign_in(client, sso, "amira", browser=browser)
    # Control: with the provider's session alive, the next sign-in needs no password.
    start = fresh_client().get("/staff/login/oidc/")
    _page, back = browser.follow(start["Location"])
    assert back is not None

    response = client.post(reverse("accounts:logout"))
    query = parse_qs(urlsplit(response["Location"]).query)
    assert response["Location"].startswith(f"{sso.url}/session/end?")
    assert query["client_id"] == [CLIENT_ID] and query["id_token_hint"][0].count(".") == 2
    assert query["post_logout_redirect_uri"] == ["http://testserver/"]
    assert "_auth_user_id" not in client.session

    confirm, _back = browser.follow(response["Location"])
    assert confirm.status_code == 200
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', confirm.text).group(1)
    action = re.search(r'<form[^>]+action="([^"]+)"', confirm.text).group(1)
    _done, back = browser.follow(
        f"{sso.url}{action}" if action.startswith("/") else action,
        "POST",
        {"xsrf": xsrf, "logout": "yes"},
    )
    assert back.startswith("http://testserver/?state=")
    start = fresh_client().get("/staff/login/oidc/")
    page, back = browser.follow(start["Location"])
    assert back is None and 'name="login"' in page.text  # the password is asked again


def test_logging_out_works_while_the_provider_is_down(client, sso, settings):
    oidc_sign_in(client, sso, "amira")
    sso.stop()
    settings.SSO_SESSION_MAX_AGE = 0
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and "_auth_user_id" not in client.session
