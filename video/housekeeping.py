from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from video.models import CLOSED_STATES, ChatMessage, EventKind, Participant, SessionEvent, SessionState, VideoSession
from video.presence import heartbeat_seconds
from video.services import end_session

# A session nobody joined is closed once its links have expired; one that was
# opened or joined and then abandoned is closed after a long quiet spell.
ABANDONED_AFTER = timedelta(hours=6)


def expire_stale_sessions(now=None) -> int:
    """Close sessions nobody can or will join. Returns how many were closed; safe to run twice."""
    now = now or timezone.now()
    stale = {session.pk: session for session in [*_unopened(now), *_quiet(now)]}
    return sum(end_session(session, kind=EventKind.EXPIRED) for session in stale.values())


def _unopened(now):
    """Every link has expired and none was opened: the caller can no longer get in."""
    return (
        VideoSession.objects.filter(state=SessionState.LINK_SENT)
        .exclude(links__expires_at__gt=now)
        .exclude(links__redeemed_at__isnull=False)
    )


def _quiet(now):
    """Still open, but nothing has happened for hours: no event, no chat message, nobody connected.

    A long call is quiet in the record but its sockets keep renewing their presence."""
    cutoff = now - ABANDONED_AFTER
    connected_since = now - timedelta(seconds=3 * heartbeat_seconds())
    return (
        VideoSession.objects.exclude(state__in=CLOSED_STATES)
        .filter(created_at__lt=cutoff)
        .exclude(Exists(SessionEvent.objects.filter(session=OuterRef("pk"), at__gte=cutoff)))
        .exclude(Exists(ChatMessage.objects.filter(session=OuterRef("pk"), sent_at__gte=cutoff)))
        .exclude(
            Exists(
                Participant.objects.filter(session=OuterRef("pk"), left_at__isnull=True, last_seen__gte=connected_since)
            )
        )
    )
