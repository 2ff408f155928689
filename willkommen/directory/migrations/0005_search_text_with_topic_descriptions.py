"""Recomputes every offer's search column: it now carries its topics' descriptions in all
languages (``services.refresh_search_text``), so that untranslated offers are found by
searches in other languages."""

from django.db import migrations

from willkommen.directory import normalise


def refresh(apps, schema_editor):
    Offer = apps.get_model("directory", "Offer")
    for offer in Offer.objects.prefetch_related("translations", "topics"):
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
            if translation.status != "missing" and translation.title.strip():
                texts += [translation.title, translation.description]
        for topic in offer.topics.all():
            texts += [
                value
                for key, value in vars(topic).items()
                if key.startswith(("name_", "description_")) and value
            ]
        Offer.objects.filter(pk=offer.pk).update(search_text=normalise.search_text(*texts))


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_offers_owned_by_the_city")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
