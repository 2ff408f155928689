"""Demo data: documented consultations for Caritas and AWO, and TOTP devices with a fixed,
PUBLIC demo secret for the demo accounts ``counsellor`` and ``lead`` (they can read case
content, so they must pass a second factor). Idempotent."""

import base64
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from willkommen.accounts.models import StaffMember
from willkommen.organisations.models import Language, Location, Topic

from .models import Channel, ClientRecord, Consultation, ConsultationStatus, InterpreterKind

# "willkommen-demo-totp" as hex: a demo secret everyone knows. Never use it in production.
DEMO_TOTP_KEY = "77696c6c6b6f6d6d656e2d64656d6f2d746f7470"
DEMO_TOTP_ACCOUNTS = ["counsellor", "lead"]

DEMO_CONSULTATIONS = [
    # (counsellor, days ago, language, topics, interpreter, minutes, outcomes, note)
    (
        "counsellor",
        0,
        "ar",
        ["housing", "forms"],
        InterpreterKind.COUNSELLOR,
        35,
        ["information", "form_filled"],
        "Housing benefit application filled in together.",
    ),
    (
        "counsellor",
        1,
        "fa",
        ["education"],
        InterpreterKind.PHONE,
        25,
        ["information", "follow_up"],
        "Asked about recognition of a nursing diploma.",
    ),
    (
        "counsellor",
        3,
        "uk",
        ["work", "health"],
        InterpreterKind.VIDEO,
        40,
        ["information", "referral"],
        "Looking for a job; health insurance questions.",
    ),
    (
        "lead",
        2,
        "de",
        ["family"],
        InterpreterKind.NONE,
        20,
        ["information"],
        "Child benefit: which documents are needed.",
    ),
    (
        "c.yilmaz",
        0,
        "tr",
        ["leisure", "family"],
        InterpreterKind.COUNSELLOR,
        30,
        ["information"],
        "Sports club for the children.",
    ),
    (
        "c.yilmaz",
        1,
        "ar",
        ["housing"],
        InterpreterKind.ACCOMPANYING_PERSON,
        45,
        ["referral"],
        "Referred to the tenants' association.",
    ),
]


def demo_secret_base32() -> str:
    return base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode("ascii")


def seed_totp_devices(stdout):
    for username in DEMO_TOTP_ACCOUNTS:
        user = StaffMember.objects.filter(username=username).first()
        if user is None:
            continue
        device, created = TOTPDevice.objects.get_or_create(
            user=user, name="demo", defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
        )
        if not created and (device.key != DEMO_TOTP_KEY or not device.confirmed):
            device.key, device.confirmed = DEMO_TOTP_KEY, True
            device.save(update_fields=["key", "confirmed"])
    stdout.write(
        f"Demo second factor for {', '.join(DEMO_TOTP_ACCOUNTS)}: add the TOTP secret "
        f"{demo_secret_base32()} to an authenticator app (or run: oathtool --totp -b "
        f"{demo_secret_base32()}).\n"
    )


def seed_consultations(stdout):
    location = Location.objects.filter(name="Hannover Service Center").first()
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    languages = {language.code: language for language in Language.objects.all()}
    now = timezone.now().replace(second=0, microsecond=0)
    created = 0
    for (
        username,
        days_ago,
        code,
        slugs,
        interpreter,
        minutes,
        outcomes,
        note,
    ) in DEMO_CONSULTATIONS:
        counsellor = StaffMember.objects.filter(username=username).first()
        if counsellor is None or counsellor.organisation_id is None:
            continue
        started = now - timedelta(days=days_ago, hours=2)
        if Consultation.objects.filter(counsellor=counsellor, started_at=started).exists():
            continue
        if Consultation.objects.filter(
            counsellor=counsellor, channel=Channel.WALK_IN, ticket=None
        ).count() >= sum(1 for row in DEMO_CONSULTATIONS if row[0] == username):
            continue  # seeded on an earlier run (on another day)
        client = ClientRecord.objects.create(
            organisation_id=counsellor.organisation_id, last_contact_at=started
        )
        consultation = Consultation.objects.create(
            organisation_id=counsellor.organisation_id,
            counsellor=counsellor,
            location=location,
            channel=Channel.WALK_IN,
            client=client,
            planned_start=started,
            started_at=started,
            ended_at=started + timedelta(minutes=minutes),
            finished_at=started + timedelta(minutes=minutes),
            documented_at=started + timedelta(minutes=minutes),
            status=ConsultationStatus.FINISHED,
            language=languages.get(code),
            interpreter=interpreter,
            note=note,
            **{f"outcome_{name}": True for name in outcomes},
        )
        consultation.topics.set([topics[slug] for slug in slugs if slug in topics])
        created += 1
    stdout.write(f"Consultation records: {created} created.\n")


def seed(stdout):
    with transaction.atomic():
        seed_totp_devices(stdout)
        seed_consultations(stdout)
