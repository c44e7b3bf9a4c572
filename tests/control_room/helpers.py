"""Sessions in each state of the dashboard, made with the product's own services where they exist."""

from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from followups.models import FollowUp, FollowUpKind
from response_platform.cases.services import create_case
from tests.personas import session_with_link
from tests.referrals.referral_rows import a_referral
from video import services
from video.events import record_event
from video.models import EventKind, Participant, ParticipantRole, SessionState

STATES = ("link_sent", "waiting", "in_call", "ended")


def phone(n: int) -> str:
    return f"+4477009002{n:02d}"


def a_session(by, state: str, n: int = 0, **case_kwargs):
    """A session of `by`'s making, moved to `state` the way the call moves it."""
    session, _, _ = session_with_link(by, phone=phone(n), reference=f"INC-D-{n:04d}", **case_kwargs)
    if state in ("waiting", "in_call"):
        caller_joins(session)
    if state == "in_call":
        staff_joins(session, by)
    if state == "ended":
        with TestCase.captureOnCommitCallbacks(execute=True):
            services.end_session(session, by=by)
    session.refresh_from_db()
    return session


def caller_joins(session) -> None:
    Participant.objects.create(session=session, role=ParticipantRole.VICTIM, channel_name="caller", in_call=True)
    record_event(case=session.case, session=session, kind=EventKind.JOINED, detail="Caller")
    services.move_state(session.pk, from_states={SessionState.LINK_SENT}, to=SessionState.VICTIM_WAITING)


def staff_joins(session, user) -> None:
    Participant.objects.create(session=session, role=ParticipantRole.STAFF, user=user, channel_name="s", in_call=True)
    record_event(case=session.case, session=session, kind=EventKind.JOINED, actor=user, detail="Specialist")
    services.move_state(session.pk, from_states={SessionState.VICTIM_WAITING}, to=SessionState.IN_CALL)


def follow_up_due(case, by) -> FollowUp:
    return FollowUp.objects.create(
        case=case, kind=FollowUpKind.CALLBACK, due_at=timezone.now() - timedelta(minutes=5), created_by=by
    )


def overdue_referral(people, case):
    return a_referral(people, case=case, sla_hours=4, sent_hours_ago=5)


def training_case(by, reference: str = "INC-T-0001", phone_number: str = "+447700900301"):
    return create_case(
        by=by, incident_reference=reference, victim_phone=phone_number, preferred_language="en-gb", is_training=True
    )
