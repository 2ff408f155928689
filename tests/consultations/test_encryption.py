"""Notes and client contact data are encrypted at rest; keys rotate."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from tests.production_keys import fresh_secret_key
from willkommen.consultations.models import ClientRecord, Consultation

from .factories import SECRET_NOTE, caritas_consultation

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_the_database_never_holds_the_plaintext(staff):
    consultation = caritas_consultation(staff)
    stored_note = raw("consultations_consultation", "note", consultation.pk)
    stored_name = raw("consultations_clientrecord", "name", consultation.client_id)
    assert stored_note.startswith("fernet:")
    assert "landlord" not in stored_note
    assert "Amina" not in stored_name
    assert Consultation.objects.get(pk=consultation.pk).note == SECRET_NOTE
    assert ClientRecord.objects.get(pk=consultation.client_id).name == "Amina Testperson"


def test_rotation_re_encrypts_everything_with_the_first_key(staff, settings):
    consultation = caritas_consultation(staff)
    old_key = settings.CONSULTATION_KEYS.split(",")[0]
    new_key = Fernet.generate_key().decode()
    old_token = raw("consultations_consultation", "note", consultation.pk)
    with override_settings(CONSULTATION_KEYS=f"{new_key},{old_key}"):
        # Before rotation the old token is still readable through the key list.
        assert Consultation.objects.get(pk=consultation.pk).note == SECRET_NOTE
        call_command("rotate_consultation_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115
        new_token = raw("consultations_consultation", "note", consultation.pk)
        assert new_token != old_token
        plain = Fernet(new_key.encode()).decrypt(new_token.removeprefix("fernet:").encode())
        assert plain.decode() == SECRET_NOTE
        with pytest.raises(InvalidToken):
            Fernet(old_key.encode()).decrypt(new_token.removeprefix("fernet:").encode())
        name_token = raw("consultations_clientrecord", "name", consultation.client_id)
        assert Fernet(new_key.encode()).decrypt(name_token.removeprefix("fernet:").encode())
    # After dropping the old key, the data stays readable with the new key alone.
    with override_settings(CONSULTATION_KEYS=new_key):
        assert Consultation.objects.get(pk=consultation.pk).note == SECRET_NOTE
        assert ClientRecord.objects.get(pk=consultation.client_id).name == "Amina Testperson"


def test_without_the_key_a_note_cannot_be_read(staff):
    from django.core.exceptions import ImproperlyConfigured

    consultation = caritas_consultation(staff)
    with (
        override_settings(CONSULTATION_KEYS=Fernet.generate_key().decode()),
        pytest.raises(ImproperlyConfigured),
    ):
        Consultation.objects.get(pk=consultation.pk)


def _production_check(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "CONSULTATION_KEYS"}
    }
    clean.update(
        {
            "DJANGO_SETTINGS_MODULE": "willkommen.settings.production",
            "SECRET_KEY": fresh_secret_key(),
            "ALLOWED_HOSTS": "willkommen.example",
            **env,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_requires_consultation_keys():
    result = _production_check()
    assert result.returncode == 2
    assert "CONSULTATION_KEYS" in result.stderr.strip().splitlines()[-1]


def test_production_refuses_the_insecure_development_key(settings):
    result = _production_check(CONSULTATION_KEYS=settings.INSECURE_DEV_CONSULTATION_KEY)
    assert result.returncode == 2
    assert "CONSULTATION_KEYS" in result.stderr


def test_production_starts_with_a_real_key():
    result = _production_check(CONSULTATION_KEYS=Fernet.generate_key().decode())
    assert result.returncode == 0, result.stderr
