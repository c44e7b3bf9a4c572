"""The hash of an entry: canonical JSON of every stored field plus the previous hash, SHA-256."""

import hashlib
import json
from datetime import UTC, datetime

# Every stored column except the hash itself, in the order they are hashed (the JSON
# keys are sorted anyway). The actor and force columns are their ids.
HASHED_FIELDS = (
    "position",
    "at",
    "actor_id",
    "actor_username",
    "actor_role",
    "actor_force",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "force_id",
    "recipient",
    "justification",
    "detail",
    "prev_hash",
)


def _canonical(value):
    if isinstance(value, datetime):
        # Microseconds in UTC: what both SQLite and PostgreSQL give back unchanged.
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if value is None or isinstance(value, (int, str)):
        return value
    return str(value)


def entry_hash(fields: dict) -> str:
    payload = {name: _canonical(fields[name]) for name in HASHED_FIELDS}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def hash_of(event) -> str:
    """Recompute a stored entry's hash from its columns."""
    return entry_hash({name: getattr(event, name) for name in HASHED_FIELDS})
