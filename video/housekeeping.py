from datetime import timedelta

from django.utils import timezone

from video.models import EventKind, SessionState, VideoSession
from video.services import end_session

# A session nobody joined is closed once its links have expired; one that was
# joined and abandoned is closed after a long quiet spell.
ABANDONED_AFTER = timedelta(hours=6)


def expire_stale_sessions() -> int:
    now = timezone.now()
    unopened = (
        VideoSession.objects.filter(state=SessionState.LINK_SENT)
        .exclude(links__expires_at__gt=now)
        .exclude(links__redeemed_at__isnull=False)
    )
    abandoned = VideoSession.objects.filter(
        state__in=[SessionState.VICTIM_WAITING, SessionState.IN_CALL], created_at__lt=now - ABANDONED_AFTER
    )
    expired = 0
    for session in list(unopened) + list(abandoned):
        expired += end_session(session, kind=EventKind.EXPIRED)
    return expired
