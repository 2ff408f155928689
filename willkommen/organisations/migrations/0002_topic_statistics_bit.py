from django.db import migrations, models


def assign_bits(apps, schema_editor):
    Topic = apps.get_model("organisations", "Topic")
    for bit, topic in enumerate(Topic.objects.order_by("pk"), start=1):
        topic.statistics_bit = bit
        topic.save(update_fields=["statistics_bit"])


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="topic",
            name="statistics_bit",
            field=models.PositiveSmallIntegerField(editable=False, null=True, unique=True),
        ),
        migrations.RunPython(assign_bits, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="topic",
            constraint=models.CheckConstraint(
                condition=models.Q(("statistics_bit__gte", 1), ("statistics_bit__lte", 62)),
                name="topic_statistics_bit_range",
            ),
        ),
    ]
