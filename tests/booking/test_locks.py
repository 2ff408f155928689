"""Row locks take only the rows they mean: a lock that also takes a joined row (the
location, a language, a counsellor) makes unrelated bookings wait for each other."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from willkommen.booking import placement

pytestmark = pytest.mark.django_db


def locking_statements(run):
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        run()
    return [query["sql"] for query in queries.captured_queries if "FOR UPDATE" in query["sql"]]


@pytest.mark.skipif(
    not connection.features.has_select_for_update, reason="SQLite has no row locks"
)
def test_the_desk_lock_takes_the_desk_row_only(world):
    statements = locking_statements(lambda: placement.lock_desk(world.desks[0].pk))
    assert len(statements) == 1
    assert "JOIN" not in statements[0]
    assert "organisations_location" not in statements[0]


@pytest.mark.skipif(
    not connection.features.has_select_for_update, reason="SQLite has no row locks"
)
def test_the_counsellor_lock_takes_counsellor_rows_only(world):
    ids = [member.pk for member in world.counsellors.values()]
    statements = locking_statements(lambda: placement.lock_counsellors(ids))
    assert len(statements) == 1
    assert "JOIN" not in statements[0]
