"""The audit viewer: force administrators read their own force's trail; reading and exporting are recorded."""

import csv
import io
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from response_platform.accounts.fresh_otp import mark_fresh
from response_platform.accounts.models import Role
from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record
from tests.audit.helpers import entries
from tests.personas import make_user, open_case, verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def erin(people):
    return make_user("erin", people.force_a, Role.FORCE_ADMIN)


@pytest.fixture
def cases(people):
    """One case in each force, each opened (a collection) and looked at (a consultation)."""
    ours, theirs = open_case(people.alice), open_case(people.olivia, reference="INC-B-7")
    record(AuditAction.CONSULTATION, ours, actor=people.bob, detail="case page")
    record(AuditAction.CONSULTATION, theirs, actor=people.olivia, detail="case page")
    return ours, theirs


def rows(response) -> str:
    return response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def client_with_code_entered(user, *, seconds_ago: int):
    client = verified_client(user)
    session = client.session
    mark_fresh(session, now=time.time() - seconds_ago)
    session.save()
    return client


def fresh_client(user):
    return client_with_code_entered(user, seconds_ago=0)


def test_a_force_admin_sees_only_their_own_forces_entries(people, erin, cases):
    ours, theirs = cases
    response = verified_client(erin).get("/audit/")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = rows(response)
    assert "bob (supervisor)" in page and "alice (specialist)" in page
    assert "olivia" not in page and str(theirs.pk)[:8] not in page


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "olivia"])
def test_staff_who_are_not_force_admins_are_refused(people, name):
    assert verified_client(getattr(people, name)).get("/audit/").status_code == 403


def test_a_support_worker_is_refused(people):
    assert verified_client(people.sid).get("/audit/").status_code == 403


def test_reading_the_trail_is_itself_recorded(people, erin, cases):
    verified_client(erin).get("/audit/", {"action": "consultation"})
    entry = entries(AuditAction.CONSULTATION, actor=erin).get()
    assert (entry.object_type, entry.force_id) == ("audit.log", people.force_a.pk)
    assert entry.detail == "page 1; action=consultation"


def test_it_filters_by_case_user_action_and_date(people, erin, cases):
    ours, _theirs = cases
    other = open_case(people.alice, reference="INC-0002")
    client = verified_client(erin)
    by_case = rows(client.get("/audit/", {"case": str(other.pk)}))
    assert by_case.count("<tr>") == 1 and "Collection" in by_case
    by_user = rows(client.get("/audit/", {"user": "bob"}))
    assert by_user.count("<tr>") == 1 and "bob (supervisor)" in by_user
    by_action = rows(client.get("/audit/", {"action": "collection"}))
    assert by_action.count("<tr>") == 2 and "Consultation" not in by_action
    none_yet = rows(client.get("/audit/", {"since": "2999-01-01"}))
    assert "No entries match." in none_yet


def test_the_export_asks_for_a_fresh_code_first(people, erin, cases):
    response = client_with_code_entered(erin, seconds_ago=3600).get("/audit/export.csv")
    assert response.status_code == 302 and response.url.startswith("/reauth/")
    assert not entries(AuditAction.DISCLOSURE).exists()


def test_the_export_is_a_csv_of_the_filtered_entries_and_is_recorded(people, erin, cases):
    ours, _theirs = cases
    response = fresh_client(erin).get("/audit/export.csv", {"case": str(ours.pk)})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    table = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {row["case_id"] for row in table} == {str(ours.pk)}
    assert [row["action"] for row in table] == ["consultation", "collection"]
    disclosure = entries(AuditAction.DISCLOSURE).get()
    assert (disclosure.actor, disclosure.recipient, disclosure.object_type) == (erin, "erin", "audit.log")


def test_the_export_defuses_spreadsheet_formulas(people, erin):
    record(AuditAction.CONSULTATION, actor=people.alice, object_type="test", detail="=HYPERLINK(1)")
    table = b"".join(fresh_client(erin).get("/audit/export.csv").streaming_content).decode()
    assert "'=HYPERLINK(1)" in table


def test_the_viewer_query_count_does_not_grow_with_the_entries(people, erin):
    client = verified_client(erin)
    for n in range(3):
        record(AuditAction.CONSULTATION, actor=people.alice, object_type="test", object_id=str(n))
    with CaptureQueriesContext(connection) as few:
        client.get("/audit/")
    for n in range(40):
        record(AuditAction.CONSULTATION, actor=people.bob, object_type="test", object_id=str(n))
    with CaptureQueriesContext(connection) as many:
        assert "Page 1 of 1" not in client.get("/audit/").content.decode()
    assert len(many) == len(few)
