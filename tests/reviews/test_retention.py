"""Incident logs and their reviews are erased once the force's case-record period has passed."""

from datetime import timedelta

from django.utils import timezone

from response_platform.audit.models import AuditEvent
from reviews.models import IncidentLog, Review
from reviews.retention import erase_incident_logs
from tests.personas import open_case
from tests.reviews.helpers import call_handler, log, review

CHILDREN = "Children in the household not identified"


def test_an_incident_past_the_period_goes_with_its_review(people):
    people.force_a.retain_case_days = 30
    people.force_a.save()
    old = log(people.carol, "INC-OLD", hours_ago=31 * 24)
    review(old, people.alice, CHILDREN)
    recent = log(people.carol, "INC-RECENT", hours_ago=29 * 24)
    theirs = log(call_handler("quinn", people.force_b), "INC-B", hours_ago=31 * 24)
    assert erase_incident_logs(people.force_a, batch_size=1) == 1
    assert set(IncidentLog.objects.values_list("pk", flat=True)) == {recent.pk, theirs.pk}
    assert not Review.objects.exists()
    entry = AuditEvent.objects.get(action="erasure")
    assert entry.object_id == str(old.pk) and "incident reviews past 30 days" in entry.detail
    # A second run finds nothing left.
    assert erase_incident_logs(people.force_a) == 0


def test_an_incident_of_a_case_on_legal_hold_is_kept(people):
    case = open_case(people.alice, reference="INC-HELD")
    case.legal_hold = True
    case.save()
    held = log(people.carol, "INC-HELD", hours_ago=10 * 365 * 24)
    assert held.case == case
    assert erase_incident_logs(people.force_a, now=timezone.now() + timedelta(days=1)) == 0
    assert IncidentLog.objects.filter(pk=held.pk).exists()


def test_the_nightly_task_erases_them_too(people):
    from response_platform.retention.tasks import apply_retention

    people.force_a.retain_case_days = 1
    people.force_a.save()
    log(people.carol, hours_ago=48)
    assert apply_retention()["incident_logs"] == 1
    assert not IncidentLog.objects.exists()
