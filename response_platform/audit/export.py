"""The filtered audit trail as CSV, streamed so a long trail does not sit in memory."""

import csv
from collections.abc import Iterable, Iterator

from response_platform.audit.models import AuditEvent

COLUMNS = (
    "position",
    "at",
    "actor_username",
    "actor_role",
    "actor_force",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "recipient",
    "justification",
    "detail",
    "prev_hash",
    "hash",
)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ is run as a formula by spreadsheets (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_rows(entries: Iterable[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for event in entries:
        yield writer.writerow([_cell(getattr(event, name)) for name in COLUMNS])
