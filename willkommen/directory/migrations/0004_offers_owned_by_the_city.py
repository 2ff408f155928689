"""Offers that exist belong to the city: the coordinators' organisation (or, without a
coordinator, the first city social services). Without either they stay without owner,
which only coordinators may change."""

from django.db import migrations


def city_organisation(apps):
    StaffMember = apps.get_model("accounts", "StaffMember")
    Organisation = apps.get_model("organisations", "Organisation")
    coordinator = (
        StaffMember.objects.filter(role="coordinator", organisation__isnull=False)
        .order_by("pk")
        .first()
    )
    if coordinator is not None:
        return coordinator.organisation_id
    city = Organisation.objects.filter(kind="city_social_services").order_by("pk").first()
    return city.pk if city else None


def assign(apps, schema_editor):
    Offer = apps.get_model("directory", "Offer")
    owner = city_organisation(apps)
    if owner is not None:
        Offer.objects.filter(owner__isnull=True).update(owner_id=owner)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_offer_owner_and_change_trail"),
        ("accounts", "0001_initial"),
    ]
    operations = [migrations.RunPython(assign, migrations.RunPython.noop)]
