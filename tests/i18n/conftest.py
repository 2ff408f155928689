"""The demo installation (without the year of statistics, which no client page shows),
and the words a client's page may show in Latin script whatever the language."""

import io

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command

from willkommen.directory.models import Offer
from willkommen.organisations.models import Desk, Location, Organisation

from .rendered import latin_tokens

# Names that stay as they are in every language: the design system, the captcha, the map
# service, the software and its licence, and the German place names that the demo's
# translations keep in brackets on purpose (a client has to find them on German signs).
PROPER_NAMES = {
    "KERN",
    "ALTCHA",
    "OpenStreetMap",
    "Willkommen",
    "EUPL",
    "Stadtbahn",
    "Waterloo",
    "Schützenplatz",
}


@pytest.fixture
def demo(db):
    """``seed_demo`` as `make demo` runs it, minus the generated statistics year."""
    cache.clear()  # rate limits count in the cache, which outlives a test
    call_command("seed_demo", "--quiet", "--no-activity", stdout=io.StringIO())
    yield
    cache.clear()


@pytest.fixture
def allowed_words(demo):
    """Latin words a page may show in any language: the proper names above, and names,
    addresses and contact data from the operator settings and the demo data."""
    names = [settings.WILLKOMMEN_SITE_NAME, settings.WILLKOMMEN_OPERATOR_NAME]
    names += [value for value in settings.WILLKOMMEN_OPERATOR.values() if value]
    for organisation in Organisation.objects.all():
        names += [organisation.name, organisation.short_name, organisation.website]
    for location in Location.objects.all():
        names += [location.name_de, location.street, location.city]
    names += Desk.objects.values_list("name", flat=True)
    for offer in Offer.objects.all():
        names += [offer.provider, offer.street, offer.city, offer.district, offer.website]
    words = set(PROPER_NAMES)
    for name in names:
        words.update(latin_tokens(str(name)))
    return words
