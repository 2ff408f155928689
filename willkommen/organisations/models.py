"""The master data of a welcome service: who works where, on what, in which language.

Coordinators maintain it; clients read the translatable parts (names, descriptions,
directions, documents to bring), which modeltranslation stores per UI language with
German as the fallback (see ``translation.py``).
"""

from babel import Locale, UnknownLocaleError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    IMMIGRATION_OFFICE = "immigration_office", _("Immigration office")
    CITY_SOCIAL_SERVICES = "city_social_services", _("City social services")
    WELFARE_ORGANISATION = "welfare_organisation", _("Welfare organisation")


class Organisation(models.Model):
    """An employer of staff: the immigration office, the city's social services, or a
    welfare organisation (Träger). Case content never leaves its organisation."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.short_name

    @property
    def offers_counselling(self):
        return self.kind != OrganisationKind.IMMIGRATION_OFFICE


class FederalState(models.TextChoices):
    """The 16 German states, by the ISO 3166-2 subdivision code the holidays library uses."""

    BW = "BW", "Baden-Württemberg"
    BY = "BY", "Bayern"
    BE = "BE", "Berlin"
    BB = "BB", "Brandenburg"
    HB = "HB", "Bremen"
    HH = "HH", "Hamburg"
    HE = "HE", "Hessen"
    MV = "MV", "Mecklenburg-Vorpommern"
    NI = "NI", "Niedersachsen"
    NW = "NW", "Nordrhein-Westfalen"
    RP = "RP", "Rheinland-Pfalz"
    SL = "SL", "Saarland"
    SN = "SN", "Sachsen"
    ST = "ST", "Sachsen-Anhalt"
    SH = "SH", "Schleswig-Holstein"
    TH = "TH", "Thüringen"


class Location(models.Model):
    """A building where the office and the counsellors receive people."""

    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("street and number"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=10)
    city = models.CharField(_("city"), max_length=100)
    federal_state = models.CharField(
        _("federal state"), max_length=2, choices=FederalState.choices
    )
    directions = models.TextField(_("directions"), blank=True)
    accessibility = models.TextField(_("accessibility"), blank=True)
    office = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="locations",
        limit_choices_to={"kind": OrganisationKind.IMMIGRATION_OFFICE},
        verbose_name=_("immigration office"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self):
        return self.name

    @property
    def address_line(self):
        return f"{self.street}, {self.postal_code} {self.city}"


class DeskKind(models.TextChoices):
    OFFICE_DESK = "office_desk", _("Office desk")
    COUNSELLING_ROOM = "counselling_room", _("Counselling room")


class Desk(models.Model):
    """A desk of the immigration office or a counselling room at a location."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="desks")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=32, choices=DeskKind.choices)
    services = models.ManyToManyField(
        "OfficeService",
        blank=True,
        related_name="desks",
        verbose_name=_("services handled"),
        help_text=_("For office desks: the concerns this desk handles."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["location", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["location", "name"], name="desk_unique_name")
        ]
        verbose_name = _("desk or room")
        verbose_name_plural = _("desks and rooms")

    def __str__(self):
        return f"{self.location} – {self.name}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """One opening interval of a location on a weekday, in local time.

    A day may have several intervals (a lunch break splits it into two).
    """

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["location", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")),
                name="opening_hours_opens_before_closes",
            )
        ]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class OfficeService(models.Model):
    """A concern (Anliegen) the immigration office handles in an appointment."""

    office = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="services",
        limit_choices_to={"kind": OrganisationKind.IMMIGRATION_OFFICE},
        verbose_name=_("immigration office"),
    )
    slug = models.SlugField(_("short code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    documents_to_bring = models.TextField(
        _("documents to bring"), blank=True, help_text=_("One document per line.")
    )
    duration_minutes = models.PositiveSmallIntegerField(_("duration in minutes"), default=20)
    bookable_online = models.BooleanField(_("bookable online"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["office", "slug"], name="service_unique_slug"),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=5, duration_minutes__lte=240),
                name="service_duration_range",
            ),
        ]
        verbose_name = _("office service")
        verbose_name_plural = _("office services")

    def __str__(self):
        return self.name

    @property
    def documents_list(self):
        return [line.strip() for line in self.documents_to_bring.splitlines() if line.strip()]


class Topic(models.Model):
    """A consultation topic (the seven of the welcome service, extendable)."""

    slug = models.SlugField(_("short code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # The topic's bit in the statistics' topic masks: small, stable and never reused, so
    # that counts stay right however large the table's ids grow (topics are deactivated,
    # not deleted).
    statistics_bit = models.PositiveSmallIntegerField(unique=True, null=True, editable=False)

    MAX_STATISTICS_BIT = 62

    class Meta:
        ordering = ["sort_order", "slug"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(statistics_bit__gte=1, statistics_bit__lte=62),
                name="topic_statistics_bit_range",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.statistics_bit is None:
            highest = Topic.objects.aggregate(models.Max("statistics_bit"))["statistics_bit__max"]
            self.statistics_bit = (highest or 0) + 1
        super().save(*args, **kwargs)


class Language(models.Model):
    """A language spoken with clients, by ISO 639 code (639-1 where one exists, else 639-3).

    Display names come from the Unicode CLDR through Babel, in the reader's UI language,
    so no one has to translate language names by hand.
    """

    code = models.CharField(_("ISO 639 code"), max_length=8, unique=True)
    english_name = models.CharField(_("English name"), max_length=80)
    native_name = models.CharField(_("native name"), max_length=80)
    sort_order = models.PositiveSmallIntegerField(
        _("sort order"), default=100, help_text=_("Frequent languages first.")
    )

    class Meta:
        ordering = ["sort_order", "english_name"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return language_name(self.code, get_language()) or self.english_name


# ISO 639-3 codes that CLDR names under another key: Dari is "fa_AF" there.
CLDR_LANGUAGE_KEYS = {"prs": "fa_AF"}


def language_name(code, ui_language):
    """The CLDR name of language ``code`` in ``ui_language``, or None if CLDR lacks it."""
    try:
        locale = Locale.parse((ui_language or "de").replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = Locale("de")
    name = locale.languages.get(code) or locale.languages.get(CLDR_LANGUAGE_KEYS.get(code, ""))
    if not name:
        return None
    return name[:1].upper() + name[1:] if ui_language not in {"ar", "fa"} else name
