"""The audit log becomes a hash chain (``audit_chain.py``): three columns, filled for the
events that exist by 0004 and made required by 0005."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("consultations", "0002_audit_append_only_trigger")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="chain_index",
            field=models.PositiveBigIntegerField(
                editable=False, null=True, verbose_name="position in the chain"
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(
                editable=False, default="", max_length=64, verbose_name="hash of the previous event"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="content_hash",
            field=models.CharField(
                editable=False, default="", max_length=64, verbose_name="hash of this event"
            ),
            preserve_default=False,
        ),
    ]
