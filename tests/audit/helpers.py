"""Reading and tampering with the audit table the way someone with database access would."""

from contextlib import contextmanager

from django.db import connection

from response_platform.audit.models import AuditEvent

TEXT_COLUMNS = (
    "actor_username",
    "actor_role",
    "actor_force",
    "action",
    "object_type",
    "object_id",
    "recipient",
    "justification",
    "detail",
)


@contextmanager
def trigger_disabled():
    """On PostgreSQL the append-only trigger would refuse the tampering; an attacker with
    owner rights can switch it off, so the test does too (rolled back with the test)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")


def raw_sql(sql: str, params=()) -> None:
    with trigger_disabled(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def all_audit_text() -> str:
    """Every text column of every entry, as one string to search."""
    rows = AuditEvent.objects.values_list(*TEXT_COLUMNS)
    return "\n".join(" | ".join(str(value) for value in row) for row in rows)


def entries(action=None, **filters):
    found = AuditEvent.objects.filter(**filters)
    return found.filter(action=action) if action else found
