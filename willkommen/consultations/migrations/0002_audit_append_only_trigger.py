"""On PostgreSQL, the database itself refuses UPDATE and DELETE on the audit log, so that
not even raw SQL from the application can rewrite history. (TRUNCATE, which only the
database owner runs, e.g. when tests reset the database, is not affected.)"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION consultations_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER consultations_auditevent_append_only
    BEFORE UPDATE OR DELETE ON consultations_auditevent
    FOR EACH ROW EXECUTE FUNCTION consultations_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS consultations_auditevent_append_only ON consultations_auditevent;
DROP FUNCTION IF EXISTS consultations_audit_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
