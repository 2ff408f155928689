"""PostgreSQL refuses overlapping active rows by itself: no desk holds two appointments and
no counsellor two consultations whose times overlap.

The unique constraints of 0001 catch only two rows with the same start; rows of different
lengths that overlap were kept apart by the row lock and re-check in
``booking/services.py`` alone. Exclusion constraints make the database the guard for every
path that writes these rows, and let the booking skip the lock and re-check on PostgreSQL.
Half-open ranges (``[)``): an appointment ending at 9:30 and one starting at 9:30 do not
overlap. SQLite has no exclusion constraints; there one writing transaction runs at a time
and the re-check under it keeps the guarantee (see ``placement.place_on_desk``).

Needs the ``btree_gist`` extension (for ``=`` on the id inside a GiST index); it is a
trusted extension, so a database owner without superuser rights may create it.
"""

from django.db import migrations

# Frozen copies of the statuses of 0001 (a migration must not follow later code changes).
ACTIVE_APPOINTMENT = ("held", "pending_confirmation", "booked", "arrived", "no_show", "completed")
ACTIVE_CONSULTATION = (
    "held",
    "pending_confirmation",
    "booked",
    "no_show",
    "started",
    "completed",
)
EXPIRING = ("held", "pending_confirmation")


def _in(values):
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


APPOINTMENT_CONSTRAINT = "appointment_desk_no_overlap_active"
CONSULTATION_CONSTRAINT = "consultation_counsellor_no_overlap_active"

# Holds that ran out but still carry their old status would trip the new constraints;
# mark them expired first, as the sweep would.
EXPIRE_STALE_SQL = [
    f"""UPDATE booking_appointment SET status = 'expired'
        WHERE status IN {_in(EXPIRING)} AND hold_expires_at <= now()""",
    f"""UPDATE booking_consultationbooking SET status = 'expired'
        WHERE status IN {_in(EXPIRING)} AND appointment_id IN (
            SELECT id FROM booking_appointment WHERE status = 'expired')""",
]

ADD_SQL = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"""ALTER TABLE booking_appointment ADD CONSTRAINT {APPOINTMENT_CONSTRAINT}
        EXCLUDE USING gist (desk_id WITH =, tstzrange("start", "end", '[)') WITH &&)
        WHERE (status IN {_in(ACTIVE_APPOINTMENT)})""",
    f"""ALTER TABLE booking_consultationbooking ADD CONSTRAINT {CONSULTATION_CONSTRAINT}
        EXCLUDE USING gist (counsellor_id WITH =, tstzrange("start", "end", '[)') WITH &&)
        WHERE (status IN {_in(ACTIVE_CONSULTATION)})""",
]

REMOVE_SQL = [
    f"ALTER TABLE booking_appointment DROP CONSTRAINT IF EXISTS {APPOINTMENT_CONSTRAINT}",
    f"ALTER TABLE booking_consultationbooking DROP CONSTRAINT IF EXISTS {CONSULTATION_CONSTRAINT}",
]


def add_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in EXPIRE_STALE_SQL + ADD_SQL:
        schema_editor.execute(statement)


def remove_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in REMOVE_SQL:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0002_appointment_revision"),
    ]

    operations = [migrations.RunPython(add_constraints, remove_constraints, elidable=False)]
