from django.db.models import Q
from django.shortcuts import get_object_or_404

from response_platform.accounts.permissions import can_view_cases
from video.models import SessionEvent, VideoSession


def get_session_for(user, session_id) -> VideoSession:
    """Staff see only their own force's sessions; anything else is a 404."""
    sessions = VideoSession.objects.select_related("case", "case__force", "created_by")
    if not can_view_cases(user):
        sessions = sessions.none()
    return get_object_or_404(sessions, pk=session_id, case__force_id=user.force_id)


def timeline(session: VideoSession, *, after_id: int = 0):
    """The session's events, led by the case's creation."""
    events = SessionEvent.objects.filter(
        Q(session=session) | Q(case_id=session.case_id, session__isnull=True), pk__gt=after_id
    )
    return events.select_related("actor").order_by("at", "pk")


def with_durations(events) -> list[dict]:
    """Each event with the time since the previous one and since the first."""
    rows, first, previous = [], None, None
    for event in events:
        first = first or event.at
        rows.append(
            {
                "event": event,
                "since_previous": (event.at - previous).total_seconds() if previous else None,
                "since_start": (event.at - first).total_seconds(),
            }
        )
        previous = event.at
    return rows
