"""Queue a background task together with the transaction that made it necessary.

With the database task backend (the default) the task row is written *inside* the current
transaction, as in a transactional outbox:

- it commits with the booking or not at all, so a server killed right after the commit
  cannot leave a booking without its confirmation mail (#9's "no half booking");
- the booking and its tasks cost one commit, not one per task.

A worker only sees the row once it is committed, so it never acts on a booking that is
not there yet. Any other backend (RQ with Redis) learns about the task only after the
commit: a Redis queue is outside the database transaction, and a worker could otherwise
run before the booking is visible, or for a booking that was rolled back.
"""

from django.db import transaction
from django_tasks_db.backend import DatabaseBackend


def _writes_to_this_database(task) -> bool:
    return isinstance(task.get_backend(), DatabaseBackend)


def enqueue(task, *args, dedupe_key=None, **kwargs) -> None:
    """Queues ``task(*args, **kwargs)`` for after the current transaction (at once outside
    one). ``dedupe_key``: queue it only once per transaction, however often it is asked for
    (a booking saves several rows that each want the same statistics refresh)."""
    connection = transaction.get_connection()
    # Each queued task leaves a marker among the transaction's commit callbacks; Django
    # drops the markers of a savepoint that is rolled back, together with its rows.
    if (
        dedupe_key is not None
        and connection.in_atomic_block
        and any(
            getattr(callback, "outbox_key", None) == dedupe_key
            for _savepoints, callback, _robust in connection.run_on_commit
        )
    ):
        return

    def send():
        task.enqueue(*args, **kwargs)

    if connection.in_atomic_block and _writes_to_this_database(task):
        send()

        def marker():
            """Nothing left to do after the commit: the task row committed with it."""

        callback = marker
    else:
        callback = send
    callback.outbox_key = dedupe_key
    # robust: a queue that fails after the commit is logged by Django and must not turn a
    # saved booking into an error for the person who made it.
    transaction.on_commit(callback, robust=True)
