"""Writing a draw's outcome for every request: Django's ``bulk_update`` builds a CASE over
every id, which PostgreSQL evaluates row by row (seconds for ten thousand requests); an
UPDATE joined to the values does it in one pass. On PostgreSQL the rows go in id order (the
table's own, so that each page is visited once instead of at random in draw order) and in
chunks that keep the joined values small."""

from django.db import connection

from .models import ReleaseRequest

TABLE = ReleaseRequest._meta.db_table
CHUNK = 10_000


def write(rows):
    """``rows``: (request id, draw position, status, appointment id or None)."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        ordered = sorted(rows)
        for start in range(0, len(ordered), CHUNK):
            update_chunk(ordered[start : start + CHUNK])
        return
    requests = [
        ReleaseRequest(pk=pk, draw_position=position, status=status, appointment_id=appointment)
        for pk, position, status, appointment in rows
    ]
    ReleaseRequest.objects.bulk_update(
        requests, ["draw_position", "status", "appointment"], batch_size=500
    )


def update_chunk(rows):
    ids, positions, statuses, appointments = (list(column) for column in zip(*rows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} AS r SET draw_position = v.position, status = v.status, "  # noqa: S608 - the model's own table
            "appointment_id = v.appointment FROM unnest("
            "%s::bigint[], %s::integer[], %s::varchar[], %s::bigint[]"
            ") AS v(id, position, status, appointment) WHERE r.id = v.id",
            [ids, positions, [str(status) for status in statuses], appointments],
        )
