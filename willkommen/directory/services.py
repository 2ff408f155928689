"""Saving, deactivating and indexing offers: the rules views, API, import and commands share."""

from django.db import transaction

from . import normalise
from .models import Offer, OfferTranslation, TranslationStatus


def refresh_search_text(offer):
    """Recomputes the normalised search column from every text a client might search for:
    titles and descriptions in all languages, provider, place, target groups and topics."""
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
        texts += [value for key, value in vars(topic).items() if key.startswith("name_") and value]
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


def save_offer_form(form):
    """Saves a valid ``OfferForm`` with its translations and refreshes the search text."""
    with transaction.atomic():
        offer = form.save()
        save_translations(offer, form.translations())
        offer = Offer.objects.prefetch_related("translations", "topics").get(pk=offer.pk)
        refresh_search_text(offer)
    return offer


def set_active(offer, active):
    with transaction.atomic():
        Offer.objects.filter(pk=offer.pk).update(is_active=active)
    offer.is_active = active
