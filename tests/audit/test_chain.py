"""The audit trail is append-only and hash-chained; verify_audit names the first broken entry."""

import threading

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from response_platform.audit.actions import AuditAction
from response_platform.audit.chain import hash_of
from response_platform.audit.models import GENESIS_HASH, AuditEvent
from response_platform.audit.service import record
from response_platform.audit.verify import verify_chain
from response_platform.lib.append_only import AppendOnlyError
from tests.audit.helpers import raw_sql
from tests.personas import open_case


def three_entries(people):
    case = open_case(people.alice)  # a collection
    record(AuditAction.CONSULTATION, case, actor=people.alice, detail="case page")
    record(AuditAction.CONSULTATION, case, actor=people.bob, detail="case page")
    return case


def verify_output() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_each_entry_carries_the_hash_of_the_one_before(people):
    three_entries(people)
    first, second, third = AuditEvent.objects.order_by("position")
    assert [first.position, second.position, third.position] == [1, 2, 3]
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert all(hash_of(event) == event.hash for event in (first, second, third))


def test_an_entry_names_the_actor_the_case_and_its_force(people):
    case = three_entries(people)
    entry = AuditEvent.objects.get(position=3)
    assert (entry.actor_id, entry.actor_username, entry.actor_role, entry.actor_force) == (
        people.bob.pk,
        "bob",
        "supervisor",
        "force-a",
    )
    assert (entry.case_id, entry.force_id, entry.object_type, entry.object_id) == (
        case.pk,
        people.force_a.pk,
        "cases.case",
        str(case.pk),
    )


def test_verify_audit_passes_on_a_clean_chain(people):
    three_entries(people)
    assert "Audit chain intact: 3 entries." in verify_output()


def test_verify_audit_names_the_entry_altered_directly_in_the_database(people):
    three_entries(people)
    raw_sql("UPDATE audit_auditevent SET actor_username = %s WHERE position = 2", ["carol"])
    with pytest.raises(CommandError) as error:
        verify_output()
    assert error.value.returncode == 1
    assert "entry #2" in str(error.value) and "altered" in str(error.value)


def test_verify_audit_exits_with_code_1_from_the_command_line(people, capsys):
    three_entries(people)
    raw_sql("UPDATE audit_auditevent SET detail = %s WHERE position = 3", ["nothing to see"])
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["manage.py", "verify_audit"])
    assert exit_.value.code == 1
    assert "Audit chain broken at entry #3" in capsys.readouterr().err


def test_a_rehashed_entry_still_breaks_the_link_to_the_next(people):
    """Someone who alters an entry and recomputes its hash breaks the next entry's link."""
    three_entries(people)
    entry = AuditEvent.objects.get(position=2)
    entry.detail = "rewritten"
    raw_sql("UPDATE audit_auditevent SET detail = %s, hash = %s WHERE position = 2", ["rewritten", hash_of(entry)])
    report = verify_chain()
    assert (report.broken_at, report.reason) == (3, "its previous-hash does not match the entry before it")


def test_verify_audit_names_the_first_broken_entry_after_a_row_is_deleted(people):
    three_entries(people)
    raw_sql("DELETE FROM audit_auditevent WHERE position = 2")
    with pytest.raises(CommandError) as error:
        verify_output()
    assert "entry #3: entry #2 is missing" in str(error.value)


def test_deleting_the_newest_entry_is_caught_by_the_chain_head(people):
    three_entries(people)
    raw_sql("DELETE FROM audit_auditevent WHERE position = 3")
    with pytest.raises(CommandError) as error:
        verify_output()
    assert "entry #3: entry #3 is missing" in str(error.value)


def test_the_orm_refuses_to_change_or_delete_an_entry(people):
    three_entries(people)
    entry = AuditEvent.objects.get(position=1)
    entry.detail = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(position=1).update(detail="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 3


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The refusing trigger exists on PostgreSQL only (set DATABASE_URL); SQLite relies on verify_audit.",
)
@pytest.mark.parametrize("sql", ["UPDATE audit_auditevent SET detail = 'x'", "DELETE FROM audit_auditevent"])
def test_postgresql_refuses_raw_updates_and_deletes(people, sql):
    three_entries(people)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEvent.objects.count() == 3
    assert verify_chain().ok


def test_an_entry_rolls_back_with_the_change_it_records(people):
    with pytest.raises(RuntimeError), transaction.atomic():
        open_case(people.alice)
        raise RuntimeError("the request failed after the case was made")
    assert AuditEvent.objects.count() == 0
    record(AuditAction.CONSULTATION, actor=people.alice, object_type="cases.case", object_id="x")
    assert AuditEvent.objects.get().position == 1
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_appends_from_two_threads_at_once_do_not_fork_the_chain(people):
    errors = []
    start = threading.Barrier(2)

    def append_many(name):
        try:
            start.wait()
            for n in range(15):
                with transaction.atomic():
                    record(AuditAction.CONSULTATION, object_type="test", object_id=f"{name}-{n}")
        except Exception as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append_many, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.count() == 30
    report = verify_chain()
    assert report.ok, report.reason
