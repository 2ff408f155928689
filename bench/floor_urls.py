"""URLs of the HTTP benchmark's server: the project's own, plus one bench-only endpoint,
``POST /bench/floor-booking``, the least any booking endpoint could do on this stack.

It parses and validates the same JSON body as ``POST /api/v1/bookings`` (the same
django-ninja schema, behind the same middleware) and writes one row in one transaction,
then answers 201 with a code. No authentication, no slot rules, no double-booking guard,
no e-mail: a ceiling for bookings per second that no real booking can pass. Never mounted
outside ``bench/``.
"""

from django.db import connection, transaction
from django.urls import path
from ninja import NinjaAPI, Schema
from ninja.responses import Status

from willkommen.booking.api.schemas import BookingIn
from willkommen.urls import urlpatterns as project_urlpatterns

FLOOR_TABLE = "bench_floor_booking"

floor_api = NinjaAPI(urls_namespace="bench_floor", docs_url=None, openapi_url=None)


class FloorOut(Schema):
    code: str


@floor_api.post("floor-booking", response={201: FloorOut})
def floor_booking(request, payload: BookingIn):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FLOOR_TABLE} (service, start, name, email) "  # noqa: S608 - constant
            "VALUES (%s, %s, %s, %s) RETURNING id",
            [payload.service, payload.start, payload.name, payload.email],
        )
        (row_id,) = cursor.fetchone()
    return Status(201, {"code": f"F{row_id:07d}"})


urlpatterns = [path("bench/", floor_api.urls), *project_urlpatterns]
