"""The dashboard's rows: every live session, wrap-up, due follow-up and overdue referral of a force.

A fixed number of queries whatever the number of rows (tests/control_room pins it):
one for the sessions with everything they show annotated, one for who is in each
call, one for follow-ups, one for referrals.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from control_room import checklist
from followups.models import REMINDER_KINDS, FollowUp, FollowUpStatus
from referrals.models import Referral
from referrals.selectors import referrals_for_staff, with_sla
from response_platform.accounts.permissions import can_view_dashboard
from response_platform.cases.models import CaseStatus
from response_platform.sms.models import SmsStatus
from video.models import (
    ConsentDecision,
    ConsentRecord,
    ConsentScope,
    EventKind,
    JoinLink,
    Participant,
    ParticipantRole,
    SessionEvent,
    SessionState,
    VideoSession,
)
from video.presence import in_call

# A control room screen, not an archive: past this the oldest rows are left off (and the page says so).
ROW_LIMIT = 200
# A follow-up shows from this long before it is due.
DUE_SOON = timedelta(minutes=30)
LIVE_STATES = (SessionState.CREATED, SessionState.LINK_SENT, SessionState.VICTIM_WAITING, SessionState.IN_CALL)


@dataclass
class Board:
    waiting: list = field(default_factory=list)
    in_call: list = field(default_factory=list)
    link_sent: list = field(default_factory=list)
    wrap_up: list = field(default_factory=list)
    follow_ups_due: list = field(default_factory=list)
    referrals_overdue: list = field(default_factory=list)
    truncated: bool = False


def board_for(user, *, mine: bool = False) -> Board:
    if not can_view_dashboard(user):
        return Board()
    sessions = list(_sessions(user, mine)[: ROW_LIMIT + 1])
    board = Board(truncated=len(sessions) > ROW_LIMIT)
    for session in sessions[:ROW_LIMIT]:
        _place(board, session)
    board.waiting.sort(key=lambda s: s.waiting_since or s.created_at)
    board.follow_ups_due = list(_follow_ups_due(user, mine)[:ROW_LIMIT])
    board.referrals_overdue = list(_referrals_overdue(user, mine)[:ROW_LIMIT])
    return board


def _place(board: Board, session: Any) -> None:  # a VideoSession with the annotations of _sessions
    session.checklist = checklist.from_row(session)
    session.sms_status_label = SmsStatus(session.sms_status).label if session.sms_status else ""
    if session.state == SessionState.VICTIM_WAITING:
        board.waiting.append(session)
    elif session.state == SessionState.IN_CALL:
        board.in_call.append(session)
    elif session.state == SessionState.ENDED:
        board.wrap_up.append(session)
    else:
        board.link_sent.append(session)


def _sessions(user, mine: bool) -> QuerySet[VideoSession]:
    latest_link = JoinLink.objects.filter(session=OuterRef("pk")).order_by("-created_at", "-pk")
    # When the caller last joined: a caller has no user, staff always do.
    caller_joined = SessionEvent.objects.filter(session=OuterRef("pk"), kind=EventKind.JOINED, actor__isnull=True)
    video_consent = ConsentRecord.objects.filter(
        session=OuterRef("pk"), scope=ConsentScope.VIDEO, decision=ConsentDecision.GRANTED
    )
    needs_wrap_up = Q(state=SessionState.ENDED) & (Q(wrap_up__isnull=True) | checklist.open_items_q())
    sessions = (
        VideoSession.objects.filter(case__force_id=user.force_id, case__status=CaseStatus.OPEN)
        .annotate(
            sms_status=Subquery(latest_link.values("sms__status")[:1]),
            link_opened_at=Subquery(latest_link.values("redeemed_at")[:1]),
            waiting_since=Subquery(caller_joined.order_by("-at").values("at")[:1]),
            consent_given=Exists(video_consent),
            **checklist.annotations(OuterRef("case_id")),
        )
        .filter(Q(state__in=LIVE_STATES) | needs_wrap_up)
        .select_related("case", "created_by", "wrap_up__outcome")
        .prefetch_related(Prefetch("participants", queryset=_people_in_call(), to_attr="people_in_call"))
        .order_by("-created_at")
    )
    if mine:
        took_part = Participant.objects.filter(session=OuterRef("pk"), user=user)
        sessions = sessions.filter(Q(case__created_by=user) | Q(created_by=user) | Exists(took_part))
    return sessions


def _people_in_call():
    """Everyone but the caller in each call, by the presence rule itself (video.presence.in_call)."""
    same_rule = in_call(OuterRef("session_id")).filter(pk=OuterRef("pk"))
    return (
        Participant.objects.filter(Exists(same_rule))
        .exclude(role=ParticipantRole.VICTIM)
        .select_related("user")
        .order_by("connected_at")
    )


def _follow_ups_due(user, mine: bool) -> QuerySet[FollowUp]:
    scheduled_soon = Q(status=FollowUpStatus.SCHEDULED, due_at__lte=timezone.now() + DUE_SOON)
    reminder_waiting = Q(kind__in=REMINDER_KINDS, status=FollowUpStatus.SENT, done_at__isnull=True)
    rows = FollowUp.objects.filter(case__force_id=user.force_id, case__status=CaseStatus.OPEN).filter(
        scheduled_soon | reminder_waiting
    )
    if mine:
        rows = rows.filter(Q(created_by=user) | Q(case__created_by=user))
    return rows.select_related("case", "created_by").order_by("due_at", "pk")


def _referrals_overdue(user, mine: bool) -> QuerySet[Referral]:
    overdue = with_sla(referrals_for_staff(user)).filter(is_overdue=True)  # type: ignore[misc]  # with_sla's annotation
    rows = overdue.filter(case__status=CaseStatus.OPEN)
    if mine:
        rows = rows.filter(Q(created_by=user) | Q(case__created_by=user))
    return rows.select_related("case", "service").order_by("sla_due_at")
