"""The minute dispatcher sends what is due, once, and only what the caller agreed to."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from followups import consent
from followups.dispatch import CHECK_IN_BODY, dispatch_due
from followups.models import FollowUp, FollowUpKind, FollowUpStatus
from followups.tasks import dispatch_due as dispatch_due_task
from response_platform.sms.models import OutboxMessage, SmsMessage, SmsStatus
from response_platform.sms.optout import opt_out
from tests.followups.helpers import LONDON, WEEKDAY_MORNINGS, committed, followable_case, next_weekday
from tests.personas import VICTIM_MOBILE, verified_client
from tests.workers import run_like_a_worker
from video.models import ConsentDecision


def due(case, by, kind=FollowUpKind.CHECK_IN_SMS, minutes_ago=1) -> FollowUp:
    return FollowUp.objects.create(
        case=case, kind=kind, due_at=timezone.now() - timedelta(minutes=minutes_ago), created_by=by
    )


def test_a_due_check_in_text_is_sent_once_however_often_the_dispatcher_runs(people):
    case = followable_case(people.alice)
    follow_up = due(case, people.alice)
    with committed():
        run_like_a_worker(dispatch_due_task)
    with committed():
        run_like_a_worker(dispatch_due_task)
        assert dispatch_due() == 0
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.SENT
    assert follow_up.attempts == 1
    assert SmsMessage.objects.count() == 1
    assert follow_up.sms.status == SmsStatus.DELIVERED
    assert [(m.to, m.body) for m in OutboxMessage.objects.all()] == [(VICTIM_MOBILE, CHECK_IN_BODY)]


def test_the_check_in_text_is_discreet(people):
    case = followable_case(people.alice, reference="INC-4242")
    due(case, people.alice)
    with committed():
        dispatch_due()
    body = OutboxMessage.objects.get().body
    for giveaway in ("police", "Police", "Force A", "INC-4242", "alice", "abuse", "specialist", "http"):
        assert giveaway not in body, giveaway
    assert len(body) <= 160


def test_a_text_not_yet_due_waits(people):
    case = followable_case(people.alice)
    FollowUp.objects.create(
        case=case, kind=FollowUpKind.CHECK_IN_SMS, due_at=timezone.now() + timedelta(minutes=5), created_by=people.alice
    )
    assert dispatch_due() == 0
    assert FollowUp.objects.get().status == FollowUpStatus.SCHEDULED


def test_without_consent_it_is_skipped_and_the_specialist_sees_why(people):
    case = followable_case(people.alice, decision=ConsentDecision.REFUSED)
    follow_up = due(case, people.alice)
    dispatch_due()
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.SKIPPED
    assert not SmsMessage.objects.exists()
    panel = verified_client(people.alice).get(f"/cases/{case.pk}/panels/followups/").content.decode()
    assert "Not sent: the caller has not agreed to follow-up contact" in panel


def test_consent_withdrawn_after_scheduling_stops_the_text(people):
    case = followable_case(people.alice)
    follow_up = due(case, people.alice)
    consent.record_verbal(case, by=people.alice, decision=ConsentDecision.WITHDRAWN, language="en-gb")
    dispatch_due()
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.SKIPPED
    assert not SmsMessage.objects.exists()


def test_a_number_that_opted_out_is_skipped(people):
    case = followable_case(people.alice)
    follow_up = due(case, people.alice)
    opt_out(VICTIM_MOBILE)
    with committed():
        dispatch_due()
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.SKIPPED
    assert "STOP" in follow_up.outcome
    assert not OutboxMessage.objects.exists()


def test_outside_the_safe_times_it_moves_to_the_next_one_neither_sent_nor_failed(people):
    case = followable_case(people.alice, contact_windows=WEEKDAY_MORNINGS)
    saturday_noon = next_weekday(5, time(12, 0))
    follow_up = FollowUp.objects.create(
        case=case, kind=FollowUpKind.CHECK_IN_SMS, due_at=saturday_noon, created_by=people.alice
    )
    dispatch_due(now=saturday_noon)
    follow_up.refresh_from_db()
    monday_nine = datetime.combine(saturday_noon.date() + timedelta(days=2), time(9, 0), tzinfo=LONDON)
    assert follow_up.status == FollowUpStatus.SCHEDULED
    assert follow_up.due_at == monday_nine
    assert f"moved to {monday_nine:%a %d %b} 09:00" in follow_up.outcome
    assert not SmsMessage.objects.exists()
    # At the new time it goes.
    with committed():
        dispatch_due(now=monday_nine)
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.SENT
    assert OutboxMessage.objects.count() == 1


def test_a_callback_reminder_shows_on_the_case_and_the_reminders_page_until_done(people):
    case = followable_case(people.alice)
    follow_up = due(case, people.alice, kind=FollowUpKind.CALLBACK)
    dispatch_due()
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.SENT
    assert not SmsMessage.objects.exists()  # the reminder is for the specialist, not the caller
    client = verified_client(people.alice)
    assert "Due now" in client.get(f"/cases/{case.pk}/panels/followups/").content.decode()
    assert case.incident_reference in client.get("/follow-ups/").content.decode()

    client.post(f"/follow-ups/{follow_up.pk}/done/")
    assert "Due now" not in client.get(f"/cases/{case.pk}/panels/followups/").content.decode()
    assert case.incident_reference not in client.get("/follow-ups/").content.decode()


def test_cancelled_follow_ups_are_never_sent(people):
    case = followable_case(people.alice)
    follow_up = due(case, people.alice)
    FollowUp.objects.filter(pk=follow_up.pk).update(status=FollowUpStatus.CANCELLED)
    assert dispatch_due() == 0
    assert not SmsMessage.objects.exists()


def test_it_dispatches_more_rows_than_one_batch(people):
    case = followable_case(people.alice)
    for _ in range(7):
        due(case, people.alice, kind=FollowUpKind.CALLBACK)
    assert dispatch_due(batch_size=3) == 7
    assert set(FollowUp.objects.values_list("status", flat=True)) == {FollowUpStatus.SENT}
