from celery import shared_task

from video import housekeeping


@shared_task(name="video.expire_stale_sessions")
def expire_stale_sessions() -> int:
    return housekeeping.expire_stale_sessions()
