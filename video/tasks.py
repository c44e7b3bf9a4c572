from celery import shared_task

from video import housekeeping


# Beat runs this every minute on the default queue. Each session is closed under
# a row lock, so an overlapping run closes nothing twice, and a failed run is
# not retried: the next one is a minute away.
@shared_task(name="video.expire_stale_sessions", max_retries=0, ignore_result=True)
def expire_stale_sessions() -> int:
    return housekeeping.expire_stale_sessions()
