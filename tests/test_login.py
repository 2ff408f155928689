"""Staff login: strong hashing, lock-out, and no hint whether an account exists."""

import pytest
from django.conf import settings
from django.urls import reverse

from willkommen.accounts.models import Role

from .conftest import STAFF_PASSWORD

pytestmark = pytest.mark.django_db


def post_login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_production_hashing_is_argon2():
    from willkommen.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_login_succeeds_and_lands_on_staff_home(client, make_staff):
    make_staff(Role.COUNSELLOR, username="amira")
    response = post_login(client, "amira", STAFF_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")
    assert client.get(reverse("accounts:home")).status_code == 200


def test_wrong_password_and_unknown_user_look_the_same(client, make_staff):
    make_staff(Role.COUNSELLOR, username="amira")
    wrong_password = post_login(client, "amira", "not-the-password")
    unknown_user = post_login(client, "nobody-here", "not-the-password")
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert wrong_password.context["form"].errors == unknown_user.context["form"].errors


def test_lock_out_after_repeated_failures_even_with_the_right_password(client, make_staff):
    make_staff(Role.COUNSELLOR, username="amira")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "amira", "wrong-password-guess")
    response = post_login(client, "amira", STAFF_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lock_out_does_not_reveal_account_existence(client, make_staff):
    make_staff(Role.COUNSELLOR, username="amira")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "amira", "wrong")
        post_login(client, "ghost", "wrong")
    assert post_login(client, "amira", "wrong").status_code == 429
    assert post_login(client, "ghost", "wrong").status_code == 429


def test_only_the_operator_reaches_the_django_admin(client, staff):
    for role, user in staff.items():
        client.force_login(user)
        response = client.get("/admin/")
        if role == Role.OPERATOR:
            assert response.status_code == 200
        else:
            assert response.status_code == 302
            assert "/admin/login/" in response["Location"]
        client.logout()


def test_local_passwords_can_be_switched_off_but_for_the_break_glass_operator(
    client, make_staff, settings
):
    settings.LOCAL_LOGIN_ENABLED = False
    settings.BREAK_GLASS_USERNAME = "root-it"
    make_staff(Role.COUNSELLOR, username="amira")
    make_staff(Role.OPERATOR, username="root-it")
    refused = post_login(client, "amira", STAFF_PASSWORD)
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    page = refused.content.decode()
    assert "<details" in page and "Emergency access for the operator" in page
    assert post_login(client, "root-it", STAFF_PASSWORD).status_code == 302


def test_the_break_glass_name_counts_only_for_an_operator(client, make_staff, settings):
    settings.LOCAL_LOGIN_ENABLED = False
    settings.BREAK_GLASS_USERNAME = "amira"
    make_staff(Role.COUNSELLOR, username="amira")
    assert post_login(client, "amira", STAFF_PASSWORD).status_code == 200


def test_switching_local_passwords_off_ends_local_sessions(client, make_staff, settings):
    post_login(client, make_staff(Role.COUNSELLOR, username="amira").username, STAFF_PASSWORD)
    assert client.get(reverse("accounts:home")).status_code == 200
    settings.LOCAL_LOGIN_ENABLED = False
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302 and "/staff/login/" in response["Location"]


def test_control_with_local_passwords_on_the_counsellor_signs_in(client, make_staff, settings):
    settings.LOCAL_LOGIN_ENABLED = True
    make_staff(Role.COUNSELLOR, username="amira")
    assert post_login(client, "amira", STAFF_PASSWORD).status_code == 302
