"""The audit log as a hash chain: rewriting history shows.

Every ``AuditEvent`` stores its position in the chain, the SHA-256 of the previous event
and the SHA-256 of its own canonical content (which includes that previous hash). Changing,
deleting or inserting an event, even with raw SQL as the table owner, breaks the chain at
that point; ``manage.py verify_audit_chain`` walks it and names the first broken event.

Appends are serialised, so that two requests never link to the same predecessor: on
PostgreSQL by a transaction-scoped advisory lock, on SQLite by the database's single
writer (the project's transactions begin IMMEDIATE, taking the write lock up front). The
unique chain position is the backstop: a fork would fail instead of being stored.

A chain whose newest events were cut off (or one truncated and rebuilt) still verifies
on its own; against that, note the head that ``verify_audit_chain`` prints somewhere else
(the job's log) and pass it back with ``--anchor`` later.
"""

import hashlib
import ipaddress
import json
from dataclasses import dataclass
from datetime import UTC

from django.db import connections

GENESIS_HASH = "0" * 64
# A fixed 64-bit key for pg_advisory_xact_lock, derived from a name so it is recognisable.
ADVISORY_LOCK_KEY = int.from_bytes(
    hashlib.sha256(b"willkommen.consultations.audit_chain").digest()[:8], "big", signed=True
)
# The columns the hash covers, in the canonical order (also what the verifier reads).
CHAINED_FIELDS = (
    "chain_index",
    "previous_hash",
    "at",
    "actor_id",
    "actor_username",
    "actor_organisation_id",
    "organisation_id",
    "action",
    "object_type",
    "object_id",
    "detail",
    "path",
    "ip_address",
)


def _canonical_value(name, value):
    if value is None:
        return None
    if name == "at":
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if name == "ip_address":
        # PostgreSQL's inet writes an address its own way; compare the address itself.
        return ipaddress.ip_address(value).compressed
    return value


def canonical_content(values: dict) -> bytes:
    """The bytes the hash is taken of: the chained fields as sorted, compact JSON."""
    content = {name: _canonical_value(name, values[name]) for name in CHAINED_FIELDS}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_hash(values: dict) -> str:
    return hashlib.sha256(canonical_content(values)).hexdigest()


def values_of(event) -> dict:
    return {name: getattr(event, name) for name in CHAINED_FIELDS}


def serialise_appends(using) -> None:
    """Blocks other appenders until the current transaction ends (PostgreSQL). On SQLite
    the surrounding ``BEGIN IMMEDIATE`` transaction already holds the write lock."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def chain_head(queryset) -> tuple[int, str]:
    """(position, hash) of the newest event, or (0, GENESIS_HASH) for an empty log."""
    head = queryset.order_by("-chain_index").values_list("chain_index", "content_hash").first()
    return head or (0, GENESIS_HASH)


def link(event, head: tuple[int, str]) -> None:
    """Sets the event's position, previous hash and own hash behind ``head``."""
    event.chain_index = head[0] + 1
    event.previous_hash = head[1]
    event.content_hash = content_hash(values_of(event))


@dataclass
class Verification:
    count: int = 0
    head_index: int = 0
    head_hash: str = GENESIS_HASH
    broken_pk: int | None = None
    broken_index: int | None = None
    reason: str = ""

    @property
    def ok(self):
        return self.broken_pk is None and not self.reason


def verify(queryset, anchor: tuple[int, str] | None = None, chunk_size=2000) -> Verification:
    """Walks the whole chain in order without loading it at once. Stops at the first
    event that does not fit: its content changed, or its predecessor is missing or
    changed, or an event was inserted. ``anchor`` (position, hash) must still be in it."""
    result = Verification()
    expected_index, expected_previous = 1, GENESIS_HASH
    anchor_seen = anchor is None
    rows = queryset.order_by("chain_index").values("pk", "content_hash", *CHAINED_FIELDS)
    for row in rows.iterator(chunk_size=chunk_size):
        reason = ""
        if row["chain_index"] != expected_index:
            reason = f"expected position {expected_index}: an event before it is missing"
        elif row["previous_hash"] != expected_previous:
            reason = "the previous event was changed, removed or inserted"
        elif content_hash(row) != row["content_hash"]:
            reason = "its content was changed"
        if reason:
            result.broken_pk, result.broken_index, result.reason = (
                row["pk"],
                row["chain_index"],
                reason,
            )
            return result
        if anchor is not None and row["chain_index"] == anchor[0]:
            if row["content_hash"] != anchor[1]:
                result.broken_pk, result.broken_index = row["pk"], row["chain_index"]
                result.reason = "it does not match the anchor: the chain was rebuilt"
                return result
            anchor_seen = True
        result.count += 1
        result.head_index, result.head_hash = row["chain_index"], row["content_hash"]
        expected_index, expected_previous = row["chain_index"] + 1, row["content_hash"]
    if not anchor_seen:
        result.reason = f"the anchored event at position {anchor[0]} is missing"
    return result
