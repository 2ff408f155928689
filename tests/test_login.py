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
