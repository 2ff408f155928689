"""The change trail of offers: a snapshot of everything staff can change, before and
after, and one ``OfferChange`` row with the fields that differ."""

from datetime import date

from .models import Offer, OfferChange, OfferChangeAction

# Not part of the trail: the key, the derived search column and the save time.
UNTRACKED = {"id", "search_text", "updated_at"}


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    return value


def snapshot(offer) -> dict:
    """Every changeable value of the offer as read from the database, translations and
    the topic and language lists included."""
    offer = (
        Offer.objects.prefetch_related("translations", "topics", "languages")
        .filter(pk=offer.pk)
        .first()
    )
    if offer is None:
        return {}
    values = {
        field.attname: _plain(field.value_from_object(offer))
        for field in Offer._meta.concrete_fields
        if field.name not in UNTRACKED
    }
    values["topics"] = sorted(topic.slug for topic in offer.topics.all())
    values["languages"] = sorted(language.code for language in offer.languages.all())
    for translation in offer.translations.all():
        values[f"title_{translation.language}"] = translation.title
        values[f"description_{translation.language}"] = translation.description
        values[f"status_{translation.language}"] = translation.status
    return values


def differences(before: dict, after: dict) -> dict:
    """``{field: [old, new]}`` for every field whose value changed."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def record(offer, actor, action, changes, *, source):
    """Appends one entry; a change that changed nothing is not recorded."""
    if action == OfferChangeAction.UPDATE and not changes:
        return None
    return OfferChange.objects.create(
        offer=offer,
        actor=actor,
        actor_username=actor.get_username() if actor else "",
        organisation_id=offer.owner_id,
        action=action,
        source=source,
        changes=changes,
    )
