"""``manage.py seed_demo``: the Hannover demo installation, ready to click through.

Idempotent so that ``make demo`` can run it on every start: natural keys decide what
exists, rows that already match are not written at all, and passwords are set only when
an account is created (so a changed demo password survives, and argon2 runs only once).
"""

import importlib
import importlib.util
import io
from datetime import time

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import transaction

from willkommen.accounts.models import StaffMember
from willkommen.organisations import demo_data
from willkommen.organisations.models import (
    Desk,
    Language,
    Location,
    OfficeService,
    OpeningHours,
    Organisation,
    Topic,
)

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
CONSOLE_EMAIL_BACKEND = "willkommen.console_backends.EmailBackend"


def translated(field, texts):
    """``{"name_de": ..., "name_en": ...}`` for every configured UI language.

    A language missing from the data becomes None, which modeltranslation treats as
    untranslated and falls back to German, so adding a UI language does not break seeding.
    """
    return {f"{field}_{code}": texts.get(code) for code, _name in settings.LANGUAGES}


def upsert(model, lookup, values, tally, links=()):
    """Like ``update_or_create``, but writes nothing when the row already matches.

    That keeps a second run read-only: no rewritten rows, no lock on SQLite, no noise in
    an audit trail. ``links`` are ``(many-to-many field name, wanted objects)`` pairs; the
    row is counted once, as updated if its fields or its links changed.
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**{**lookup, **values})
        obj.save()
        state = CREATED
    else:
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        for name in changed:
            setattr(obj, name, values[name])
        if changed:
            obj.save(update_fields=changed)
        state = UPDATED if changed else UNCHANGED
    for field, wanted in links:
        manager = getattr(obj, field)
        if set(manager.values_list("pk", flat=True)) != {item.pk for item in wanted}:
            manager.set(wanted)
            state = CREATED if state == CREATED else UPDATED
    tally[state] += 1
    return obj


def seed_organisations(tally):
    return {
        data["short_name"]: upsert(
            Organisation,
            {"short_name": data["short_name"]},
            {
                "name": data["name"],
                "kind": data["kind"],
                "website": data["website"],
                "is_active": True,
                **translated("description", data["description"]),
            },
            tally,
        )
        for data in demo_data.ORGANISATIONS
    }


def seed_topics(tally):
    return {
        data["slug"]: upsert(
            Topic,
            {"slug": data["slug"]},
            {
                "sort_order": (position + 1) * 10,
                "is_active": True,
                **translated("name", data["name"]),
                **translated("description", data["description"]),
            },
            tally,
        )
        for position, data in enumerate(demo_data.TOPICS)
    }


def seed_languages(tally):
    return {
        data["code"]: upsert(
            Language,
            {"code": data["code"]},
            {key: value for key, value in data.items() if key != "code"},
            tally,
        )
        for data in demo_data.LANGUAGES
    }


def seed_services(office, tally):
    return {
        data["slug"]: upsert(
            OfficeService,
            {"office": office, "slug": data["slug"]},
            {
                "duration_minutes": data["duration_minutes"],
                "bookable_online": True,
                "sort_order": (position + 1) * 10,
                **translated("name", data["name"]),
                **translated("description", data["description"]),
                **translated("documents_to_bring", data["documents_to_bring"]),
            },
            tally,
        )
        for position, data in enumerate(demo_data.OFFICE_SERVICES)
    }


def seed_location(organisations, services, tally):
    data = demo_data.LOCATION
    location = upsert(
        Location,
        {"name_de": data["name"]["de"]},
        {
            "street": data["street"],
            "postal_code": data["postal_code"],
            "city": data["city"],
            "federal_state": data["federal_state"],
            "office": organisations[data["office"]],
            "is_active": True,
            **translated("name", data["name"]),
            **translated("directions", data["directions"]),
            **translated("accessibility", data["accessibility"]),
        },
        tally,
    )
    seed_opening_hours(location, tally)
    for desk_data in demo_data.DESKS:
        upsert(
            Desk,
            {"location": location, "name": desk_data["name"]},
            {"kind": desk_data["kind"], "is_active": True},
            tally,
            links=[("services", [services[slug] for slug in desk_data["services"]])],
        )
    return location


def seed_opening_hours(location, tally):
    """Makes the location's intervals exactly the demo ones (stale intervals would overlap)."""
    wanted = {
        (weekday, time.fromisoformat(opens), time.fromisoformat(closes))
        for weekday, opens, closes in demo_data.OPENING_HOURS
    }
    existing = {(h.weekday, h.opens, h.closes): h for h in location.opening_hours.all()}
    stale = [hours.pk for key, hours in existing.items() if key not in wanted]
    if stale:
        OpeningHours.objects.filter(pk__in=stale).delete()
        tally[UPDATED] += len(stale)
    missing = sorted(wanted - existing.keys())
    OpeningHours.objects.bulk_create(
        OpeningHours(location=location, weekday=weekday, opens=opens, closes=closes)
        for weekday, opens, closes in missing
    )
    tally[CREATED] += len(missing)
    tally[UNCHANGED] += len(wanted) - len(missing)


def seed_staff(organisations, languages, topics, tally):
    """Creates or refreshes the demo accounts; the password is set only on creation."""
    accounts = []
    for data in demo_data.STAFF:
        values = {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "email": f"{data['username']}@willkommen.example",
            "role": data["role"],
            "organisation": organisations[data["organisation"]],
            "is_active": True,
        }
        user = StaffMember.objects.filter(username=data["username"]).first()
        if user is None:
            user = StaffMember(username=data["username"], **values)
            user.set_password(demo_data.DEMO_PASSWORD)
            user.save()
            state = CREATED
        elif any(getattr(user, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(user, name, value)
            user.save()  # a full save, so that is_staff follows a changed role
            state = UPDATED
        else:
            state = UNCHANGED
        links = [
            (user.languages, [languages[code] for code in data["languages"]]),
            (user.topics, [topics[slug] for slug in data["topics"]]),
        ]
        for manager, wanted in links:
            if set(manager.values_list("pk", flat=True)) != {item.pk for item in wanted}:
                manager.set(wanted)
                state = CREATED if state == CREATED else UPDATED
        tally[state] += 1
        accounts.append(user)
    return accounts


def seed_apps(stdout, *, with_activity=True):
    """Runs ``seed(stdout)`` of every ``willkommen.*`` app that has a ``demo`` module.

    Apps add their demo data this way without this command knowing them; they run in
    INSTALLED_APPS order, after the master data here exists. A module that sets
    ``GENERATES_ACTIVITY = True`` (the statistics' year of generated history) is skipped
    without ``with_activity``: everything else of the demo stays, in a fraction of the time.
    """
    for app_config in apps.get_app_configs():
        if not app_config.name.startswith("willkommen."):
            continue
        module_name = f"{app_config.name}.demo"
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        if getattr(module, "GENERATES_ACTIVITY", False) and not with_activity:
            continue
        seed = getattr(module, "seed", None)
        if callable(seed):
            seed(stdout)


class Command(BaseCommand):
    help = "Loads the Hannover demo data (idempotent) and prints the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiet", action="store_true", help="Print nothing (no table of demo logins)."
        )
        parser.add_argument(
            "--no-activity",
            action="store_true",
            help="Skip the generated year of past activity that fills the statistics "
            "(everything else of the demo is seeded; tests use this).",
        )

    def handle(self, *args, quiet=False, no_activity=False, verbosity=1, **options):
        if not getattr(settings, "WILLKOMMEN_DEMO_DATA_ALLOWED", True):
            # Production settings: the demo accounts would be open to anyone who has read
            # the README (public password, public TOTP secret).
            raise CommandError(
                "seed_demo refuses to run with the production settings: its accounts have "
                "a public password and TOTP secret"
            )
        quiet = quiet or verbosity == 0
        out = OutputWrapper(io.StringIO()) if quiet else self.stdout
        tally = {CREATED: 0, UPDATED: 0, UNCHANGED: 0}
        with transaction.atomic():
            organisations = seed_organisations(tally)
            topics = seed_topics(tally)
            languages = seed_languages(tally)
            services = seed_services(organisations[demo_data.LOCATION["office"]], tally)
            seed_location(organisations, services, tally)
            accounts = seed_staff(organisations, languages, topics, tally)
            out.write(
                f"Master data: {tally[CREATED]} created, {tally[UPDATED]} updated, "
                f"{tally[UNCHANGED]} unchanged."
            )
            seed_apps(out, with_activity=not no_activity)
        if not quiet:
            self.write_logins(accounts)

    def write_logins(self, accounts):
        rows = [
            (user.username, user.role, user.organisation.short_name, demo_data.DEMO_PASSWORD)
            for user in accounts
        ]
        header = ("username", "role", "organisation", "password")
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

        def line(cells):
            return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo logins"))
        self.stdout.write(line(header).rstrip())
        self.stdout.write(line(["-" * width for width in widths]))
        for row in rows:
            self.stdout.write(line(row).rstrip())
        self.stdout.write("(The password is set only when an account is created.)")
        self.write_operations()

    def write_operations(self):
        """Where the demo runs and, where configured (the demo settings do), how to read
        its metrics: public demo tokens, printed like the demo password."""
        url = settings.WILLKOMMEN_PUBLIC_URL
        tokens = [
            (settings.METRICS_TOKEN, "/metrics", "operations"),
            (settings.METRICS_WELCOME_SERVICE_TOKEN, "/metrics/welcome-service", "figures"),
        ]
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("The demo"))
        self.stdout.write(f"Open {url}/ - staff sign in at /staff/login/, the operator at /admin/")
        if settings.EMAIL_BACKEND == CONSOLE_EMAIL_BACKEND:
            self.stdout.write("E-mails and SMS to clients are printed on this console.")
        for token, path, what in tokens:
            if token:
                self.stdout.write(
                    f"{path} ({what}): curl -H 'Authorization: Bearer {token}' {url}{path}"
                )
