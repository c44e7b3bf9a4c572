"""Referrals not acknowledged in time go to the force's supervisors: at the SLA, again at twice it, each once."""

import asyncio
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core import mail
from django.utils import timezone

from referrals import escalation, tasks
from referrals.models import Delivery, Referral, ReferralEvent, ReferralEventKind, ReferralStatus
from response_platform.accounts.models import Role
from response_platform.cases.panels import case_group
from tests.personas import make_service, make_user, open_case, verified_client
from tests.referrals.referral_rows import INCIDENT_REFERENCE, a_referral

BOB = "bob@force-a.example.test"
OSCAR = "oscar@force-b.example.test"


@pytest.fixture
def supervisors(people):
    """Bob (Force A) and Oscar (Force B) have addresses; a Force A supervisor who left and one
    with no address must not stop anything."""
    people.bob.email = BOB
    people.bob.save()
    oscar = make_user("oscar", people.force_b, Role.SUPERVISOR)
    oscar.email = OSCAR
    oscar.save()
    gone = make_user("gwen", people.force_a, Role.SUPERVISOR)
    gone.email, gone.is_active = "gwen@force-a.example.test", False
    gone.save()
    make_user("nell", people.force_a, Role.SUPERVISOR)
    return people


def escalations(referral) -> list[ReferralEvent]:
    return list(ReferralEvent.objects.filter(referral=referral, kind=ReferralEventKind.ESCALATED))


def supervisor_emails() -> list:
    return [message for message in mail.outbox if BOB in message.to or OSCAR in message.to]


def run_beat(django_capture_on_commit_callbacks, now=None) -> int:
    """One beat tick, committed, with its notices sent (eager tasks)."""
    with django_capture_on_commit_callbacks(execute=True):
        return escalation.escalate_overdue(now=now) if now else tasks.escalate_overdue.delay().get()


def test_nothing_is_escalated_before_the_sla(supervisors, django_capture_on_commit_callbacks):
    referral = a_referral(supervisors, sla_hours=24, sent_hours_ago=23.5)

    assert run_beat(django_capture_on_commit_callbacks) == 0
    referral.refresh_from_db()
    assert (referral.escalation_level, referral.escalated_at) == (0, None)
    assert escalations(referral) == []
    assert mail.outbox == []


def test_at_the_sla_the_forces_supervisors_are_told_once(supervisors, django_capture_on_commit_callbacks):
    referral = a_referral(supervisors, sla_hours=24, sent_hours_ago=24.5)

    assert run_beat(django_capture_on_commit_callbacks) == 1
    assert run_beat(django_capture_on_commit_callbacks) == 0

    referral.refresh_from_db()
    assert referral.escalation_level == 1
    assert referral.escalated_at is not None
    [event] = escalations(referral)
    assert event.note == "Not acknowledged within its SLA: supervisors emailed."
    # Only Force A's active supervisors with an address; Oscar (Force B) never.
    [message] = supervisor_emails()
    assert message.to == [BOB]
    assert "SLA" in message.subject
    assert "/escalations/" in message.body
    for personal in (INCIDENT_REFERENCE, "+447700900123", "07700 900123"):
        assert personal not in message.subject + message.body
    # The service is reminded in its own inbox too.
    assert [m.to for m in mail.outbox if m not in supervisor_emails()] == [[referral.service.contact_email]]


def test_two_runs_at_once_escalate_once(supervisors, django_capture_on_commit_callbacks):
    a_referral(supervisors, sla_hours=24, sent_hours_ago=25)
    # Two workers each read the referral before either wrote.
    first, second = Referral.objects.get(), Referral.objects.get()
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        results = [escalation.escalate(first, 1, now), escalation.escalate(second, 1, now)]

    assert sorted(results) == [False, True]
    assert len(escalations(first)) == 1
    assert len(supervisor_emails()) == 1
    assert Delivery.objects.filter(event=escalation.SUPERVISOR_EVENT).count() == 1


def test_at_twice_the_sla_it_is_escalated_a_second_time_and_never_again(
    supervisors, django_capture_on_commit_callbacks
):
    referral = a_referral(supervisors, sla_hours=24, sent_hours_ago=25)
    now = timezone.now()
    assert run_beat(django_capture_on_commit_callbacks, now) == 1
    assert run_beat(django_capture_on_commit_callbacks, now + timedelta(hours=22)) == 0  # 47 h: not yet
    assert run_beat(django_capture_on_commit_callbacks, now + timedelta(hours=23)) == 1  # 48 h
    assert run_beat(django_capture_on_commit_callbacks, now + timedelta(hours=24)) == 0
    assert run_beat(django_capture_on_commit_callbacks, now + timedelta(days=30)) == 0

    referral.refresh_from_db()
    assert referral.escalation_level == 2
    assert [event.note for event in escalations(referral)] == [
        "Not acknowledged within its SLA: supervisors emailed.",
        "Not acknowledged at twice its SLA: supervisors emailed.",
    ]
    assert [message.subject for message in supervisor_emails()] == [
        "Referral not acknowledged within its SLA",
        "Referral still not acknowledged at twice its SLA",
    ]


def test_acknowledged_referrals_are_never_escalated(supervisors, django_capture_on_commit_callbacks):
    referral = a_referral(
        supervisors,
        sla_hours=24,
        sent_hours_ago=100,
        status=ReferralStatus.ACKNOWLEDGED,
        acknowledged_at=timezone.now(),
    )

    assert run_beat(django_capture_on_commit_callbacks) == 0
    referral.refresh_from_db()
    assert referral.escalation_level == 0
    assert mail.outbox == []


def test_a_force_with_no_supervisor_address_still_sees_it_in_the_app(people, django_capture_on_commit_callbacks):
    referral = a_referral(people, sla_hours=24, sent_hours_ago=25)

    assert run_beat(django_capture_on_commit_callbacks) == 1
    assert escalations(referral)[0].note.endswith("no supervisor has an email address; shown in the app only.")
    assert str(referral.pk) in verified_client(people.bob).get("/escalations/").content.decode()


def count_for(user) -> int:
    """The nav badge's number for `user` as a page request sees them (signed in with both factors)."""
    return escalation.escalation_count_for(verified_client(user).get("/").wsgi_request.user)


def escalated_pair(people):
    """An escalated referral in each force, and one in Force A not yet due."""
    mine = a_referral(people, sla_hours=24, sent_hours_ago=25)
    theirs_case = open_case(people.olivia, reference="INC-B-999")
    service_b = make_service("Service Far", "idva", people.force_b)
    theirs = a_referral(people, service_b, sla_hours=24, sent_hours_ago=25, case=theirs_case)
    a_referral(people, sla_hours=24, sent_hours_ago=1, case=mine.case)
    escalation.escalate_overdue()
    return mine, theirs


def test_the_escalations_page_lists_only_the_viewers_forces_referrals(people):
    mine, theirs = escalated_pair(people)

    for user in (people.alice, people.bob):
        page = verified_client(user).get("/escalations/")
        assert page.status_code == 200
        html = page.content.decode()
        assert str(mine.pk) in html and INCIDENT_REFERENCE in html
        assert str(theirs.pk) not in html and "INC-B-999" not in html
        assert page["Cache-Control"] == "no-store"
    page = verified_client(people.olivia).get("/escalations/").content.decode()
    assert str(theirs.pk) in page and str(mine.pk) not in page
    assert count_for(people.alice) == 1
    assert count_for(people.olivia) == 1


def test_the_escalations_page_is_refused_to_other_roles(people):
    escalated_pair(people)

    assert verified_client(people.carol).get("/escalations/").status_code == 403
    assert verified_client(people.sid).get("/escalations/").status_code == 403
    assert count_for(people.carol) == 0
    assert count_for(people.sid) == 0


def test_an_acknowledged_referral_leaves_the_escalations_page(people):
    mine, _ = escalated_pair(people)
    Referral.objects.filter(pk=mine.pk).update(status=ReferralStatus.ACKNOWLEDGED, acknowledged_at=timezone.now())

    assert str(mine.pk) not in verified_client(people.alice).get("/escalations/").content.decode()
    assert count_for(people.alice) == 0


def test_the_specialists_open_case_page_is_told_when_it_is_escalated(people, django_capture_on_commit_callbacks):
    referral = a_referral(people, sla_hours=24, sent_hours_ago=25)
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(case_group(referral.case_id), channel)
    try:
        run_beat(django_capture_on_commit_callbacks)
        message = async_to_sync(_receive)(layer, channel)
    finally:
        async_to_sync(layer.group_discard)(case_group(referral.case_id), channel)
    assert message == {"type": "panel.changed", "panel": "referrals"}


async def _receive(layer, channel: str) -> dict:
    # A bound on a wait, not a timing assertion: the push is made before this is awaited.
    return await asyncio.wait_for(layer.receive(channel), timeout=10)
