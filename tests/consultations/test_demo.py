"""The demo data loads twice without duplicates; demo accounts can pass the second factor."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from willkommen.consultations.demo import DEMO_TOTP_KEY
from willkommen.consultations.models import Consultation

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_gives_demo_accounts_a_device():
    out = StringIO()
    call_command("seed_demo", "--quiet", "--no-activity", stdout=out)
    first = Consultation.objects.count()
    assert first >= 6
    assert Consultation.objects.filter(organisation__short_name="Caritas").exists()
    assert Consultation.objects.filter(organisation__short_name="AWO").exists()
    call_command("seed_demo", "--quiet", "--no-activity", stdout=StringIO())
    assert Consultation.objects.count() == first
    device = TOTPDevice.objects.get(user__username="counsellor", confirmed=True)
    assert device.key == DEMO_TOTP_KEY
    assert device.verify_token(f"{totp(device.bin_key):06d}")
    assert TOTPDevice.objects.filter(user__username="lead", confirmed=True).count() == 1
