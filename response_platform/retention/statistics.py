"""The statistics of a case that outlive it: nothing in them can be traced back to the person."""

from collections import Counter

from response_platform.cases.models import Case
from response_platform.retention.models import CaseStatistic
from video.models import EventKind


def keep_statistics(case: Case) -> CaseStatistic:
    """Counts and durations of `case`, saved before the case is deleted."""
    sessions = list(case.sessions.order_by("created_at"))
    connected = _first_connections(case)
    assessment = case.risk_assessments.order_by("-version").first()
    kinds = Counter(case.referrals.values_list("service__kind", flat=True))
    return CaseStatistic.objects.create(
        force_id=case.force_id,
        created_month=case.created_at.date().replace(day=1),
        risk_level=assessment.level if assessment else "",
        referrals_by_kind=dict(sorted(kinds.items())),
        sessions=len(sessions),
        calls_connected=len(connected),
        session_outcome=sessions[-1].state if sessions else "",
        seconds_to_first_call=_seconds(case.created_at, min(connected.values())) if connected else None,
        call_seconds=sum(_seconds(connected[s.pk], s.ended_at) for s in sessions if s.pk in connected and s.ended_at),
        follow_ups=case.follow_ups.count(),
    )


def _first_connections(case: Case) -> dict:
    """{session id: when its video first connected}."""
    first: dict = {}
    events = case.events.filter(kind=EventKind.MEDIA_CONNECTED).order_by("at")
    for session_id, at in events.values_list("session_id", "at"):
        first.setdefault(session_id, at)
    return first


def _seconds(start, end) -> int:
    return max(0, int((end - start).total_seconds()))
