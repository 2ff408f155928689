"""Local offers (Angebote) that counsellors refer clients to and clients find themselves.

The German text lives on the offer itself (it is required and the fallback for every other
language); the other UI languages are ``OfferTranslation`` rows with a status, so that a
machine translation is never passed off as a reviewed one. ``search_text`` is a
precomputed, normalised copy of every searchable text (see ``normalise.py``), written by
``services.refresh_search_text`` whenever an offer or one of its translations is saved.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from willkommen import clock
from willkommen.organisations.models import Language, Topic

GERMAN = "de"


def translation_languages():
    """The UI languages an offer can be translated into (all but German)."""
    return [code for code, _name in settings.LANGUAGES if code != GERMAN]


class TranslationStatus(models.TextChoices):
    MISSING = "missing", _("missing")
    MACHINE = "machine", _("machine-translated")
    REVIEWED = "reviewed", _("reviewed")


class CostKind(models.TextChoices):
    FREE = "free", _("free of charge")
    REDUCED = "reduced", _("reduced fee")
    PAID = "paid", _("with a fee")


class Offer(models.Model):
    reference = models.SlugField(
        _("reference"),
        max_length=80,
        unique=True,
        help_text=_("A short unique code; imports use it to update an existing offer."),
    )
    title = models.CharField(_("title (German)"), max_length=200)
    description = models.TextField(_("description (German)"))
    topics = models.ManyToManyField(
        Topic, related_name="offers", verbose_name=_("topics"), blank=True
    )
    provider = models.CharField(_("provider"), max_length=200)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True)
    languages = models.ManyToManyField(
        Language, related_name="offers", verbose_name=_("languages spoken"), blank=True
    )
    cost_kind = models.CharField(
        _("cost"), max_length=16, choices=CostKind.choices, default=CostKind.FREE
    )
    cost_text = models.CharField(_("cost details"), max_length=200, blank=True)
    target_groups = models.CharField(_("target groups"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    accessibility = models.TextField(_("accessibility notes"), blank=True)
    review_date = models.DateField(
        _("review by"), help_text=_("After this date the offer is flagged as stale.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    owner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="offers",
        verbose_name=_("owning organisation"),
        help_text=_("Only this organisation's lead and the coordinators may change the offer."),
    )
    search_text = models.TextField(editable=False, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self):
        return self.title

    @property
    def is_stale(self):
        return self.review_date < clock.today()

    @property
    def map_url(self):
        """A plain link to OpenStreetMap's search for the address (nothing is embedded)."""
        if not (self.street or self.postal_code):
            return ""
        return "https://www.openstreetmap.org/search?" + urlencode({"query": self.address_line})

    @property
    def address_line(self):
        place = " ".join(part for part in (self.postal_code, self.city) if part)
        return ", ".join(part for part in (self.street, place) if part)

    def text_in(self, language=None):
        """The offer's title and description for a reader of ``language``.

        Returns an ``OfferText``: the translation if one is usable (machine-translated or
        reviewed, with a title), otherwise the German text marked as a fallback.
        """
        language = (language or get_language() or GERMAN).split("-")[0]
        if language != GERMAN:
            for translation in self.translations.all():
                if translation.language == language and translation.is_usable:
                    return OfferText(
                        translation.title,
                        translation.description or self.description,
                        language,
                        translation.status,
                        fallback=False,
                    )
            return OfferText(
                self.title, self.description, GERMAN, TranslationStatus.REVIEWED, fallback=True
            )
        return OfferText(
            self.title, self.description, GERMAN, TranslationStatus.REVIEWED, fallback=False
        )


class OfferText:
    """What a reader sees of an offer's text, and in which language it really is."""

    def __init__(self, title, description, language, status, *, fallback):
        self.title = title
        self.description = description
        self.language = language
        self.status = status
        self.fallback = fallback

    @property
    def machine_translated(self):
        return self.status == TranslationStatus.MACHINE

    @property
    def direction(self):
        return "rtl" if self.language in {"ar", "fa"} else "ltr"


class OfferTranslation(models.Model):
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=8)
    title = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("translation status"),
        max_length=16,
        choices=TranslationStatus.choices,
        default=TranslationStatus.MISSING,
    )

    class Meta:
        ordering = ["offer", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "language"], name="offer_translation_unique_language"
            )
        ]
        verbose_name = _("offer translation")
        verbose_name_plural = _("offer translations")

    def __str__(self):
        return f"{self.offer} [{self.language}]"

    @property
    def is_usable(self):
        return self.status != TranslationStatus.MISSING and bool(self.title.strip())


class OfferChangeAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    ACTIVATE = "activate", _("activated")
    DEACTIVATE = "deactivate", _("deactivated")


# A programming guard, never shown to anyone: the trail is append-only.
APPEND_ONLY = "the change trail of offers is append-only"


class OfferChangeQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied(APPEND_ONLY)

    def delete(self):
        raise PermissionDenied(APPEND_ONLY)


class OfferChange(models.Model):
    """Who changed an offer, when, and what (each changed field with its old and new
    value). Append-only: the ORM refuses updates and deletes, and the application's
    database role may only SELECT and INSERT (``grant_app_role``)."""

    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, related_name="changes", verbose_name=_("offer")
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_username = models.CharField(_("user name"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owning organisation"),
    )
    action = models.CharField(_("action"), max_length=16, choices=OfferChangeAction.choices)
    source = models.CharField(_("through"), max_length=16)
    changes = models.JSONField(_("changes"), default=dict)

    objects = OfferChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("change of an offer")
        verbose_name_plural = _("changes of offers")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.offer_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied(APPEND_ONLY)
