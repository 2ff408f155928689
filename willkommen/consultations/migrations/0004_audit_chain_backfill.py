"""Links the events that exist into the hash chain, oldest first (by id, the order they
were written in). The append-only trigger refuses every UPDATE, so on PostgreSQL this
migration, run by the role that owns the table, switches it off for its own transaction."""

from django.db import migrations

from willkommen.consultations import audit_chain

TRIGGER = "consultations_auditevent_append_only"


def backfill(apps, schema_editor):
    AuditEvent = apps.get_model("consultations", "AuditEvent")
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute(f"ALTER TABLE consultations_auditevent DISABLE TRIGGER {TRIGGER}")
    head = (0, audit_chain.GENESIS_HASH)
    events = AuditEvent.objects.using(schema_editor.connection.alias).order_by("pk")
    for event in events.iterator(chunk_size=2000):
        audit_chain.link(event, head)
        AuditEvent.objects.using(schema_editor.connection.alias).filter(pk=event.pk).update(
            chain_index=event.chain_index,
            previous_hash=event.previous_hash,
            content_hash=event.content_hash,
        )
        head = (event.chain_index, event.content_hash)
    if postgresql:
        schema_editor.execute(f"ALTER TABLE consultations_auditevent ENABLE TRIGGER {TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [("consultations", "0003_audit_chain_fields")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
