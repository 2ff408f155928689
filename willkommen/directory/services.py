"""Saving, deactivating and indexing offers: the rules views, API, import and commands share.

Every offer has an owning organisation; ``policy.can_change_offer`` decides who may change
it, and every change is written to its trail (``history.py``).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from willkommen.accounts import policy
from willkommen.accounts.models import Role, StaffMember
from willkommen.organisations.models import Organisation, OrganisationKind

from . import history, normalise
from .models import Offer, OfferChangeAction, OfferTranslation, TranslationStatus


def city_organisation():
    """Who owns offers nobody else claims: the coordinators' organisation, or else the
    first city social services (also what migration 0004 gave the existing offers)."""
    coordinator = (
        StaffMember.objects.filter(role=Role.COORDINATOR, organisation__isnull=False)
        .order_by("pk")
        .first()
    )
    if coordinator is not None:
        return coordinator.organisation
    return (
        Organisation.objects.filter(kind=OrganisationKind.CITY_SOCIAL_SERVICES)
        .order_by("pk")
        .first()
    )


def refresh_search_text(offer):
    """Recomputes the normalised search column from every text a client might search for:
    titles and descriptions in all languages, provider, place, target groups, and the names
    and descriptions of its topics in every language. The topics bridge the languages: an
    offer that exists only in German ("Deutschkurse") is still found by an Arabic or a
    Ukrainian search for a German course ("دورات اللغة الألمانية", "курси німецької"), and
    is then shown in German with a note."""
    texts = [
        offer.title,
        offer.description,
        offer.provider,
        offer.district,
        offer.city,
        offer.postal_code,
        offer.target_groups,
    ]
    for translation in offer.translations.all():
        if translation.is_usable:
            texts += [translation.title, translation.description]
    for topic in offer.topics.all():
        texts += [
            value
            for key, value in vars(topic).items()
            if key.startswith(("name_", "description_")) and value
        ]
    offer.search_text = normalise.search_text(*texts)
    Offer.objects.filter(pk=offer.pk).update(search_text=offer.search_text)


def save_translations(offer, translations):
    """Stores ``{language: {title, description, status}}``; a missing one leaves no row."""
    for code, data in translations.items():
        if data["status"] == TranslationStatus.MISSING and not data["title"]:
            OfferTranslation.objects.filter(offer=offer, language=code).delete()
            continue
        OfferTranslation.objects.update_or_create(
            offer=offer,
            language=code,
            defaults={
                "title": data["title"],
                "description": data["description"],
                "status": data["status"],
            },
        )


def _check(actor, offer):
    """The web's own check, repeated here so that no caller can skip it. ``actor`` None is
    the operator's command line (``import_offers``), which scopes itself by organisation."""
    if actor is not None and offer.pk and not policy.can_change_offer(actor, offer):
        raise PermissionDenied


def save_offer_form(form, actor, *, owner=None, source="form"):
    """Saves a valid ``OfferForm`` with its translations, refreshes the search text and
    records the change. A new offer belongs to ``owner`` (default: the actor's
    organisation)."""
    _check(actor, form.instance)
    with transaction.atomic():
        created = form.instance.pk is None
        before = {} if created else history.snapshot(form.instance)
        if created:
            form.instance.owner = owner or (actor.organisation if actor else None)
        offer = form.save()
        save_translations(offer, form.translations())
        offer = Offer.objects.prefetch_related("translations", "topics").get(pk=offer.pk)
        refresh_search_text(offer)
        changes = history.differences(before, history.snapshot(offer))
        action = OfferChangeAction.CREATE if created else OfferChangeAction.UPDATE
        history.record(offer, actor, action, changes, source=source)
    return offer


def set_active(offer, active, actor, *, source="form"):
    _check(actor, offer)
    with transaction.atomic():
        current = Offer.objects.select_for_update().get(pk=offer.pk)
        if current.is_active != active:
            Offer.objects.filter(pk=offer.pk).update(is_active=active)
            history.record(
                current,
                actor,
                OfferChangeAction.ACTIVATE if active else OfferChangeAction.DEACTIVATE,
                {"is_active": [current.is_active, active]},
                source=source,
            )
    offer.is_active = active
