from celery import shared_task

from followups import dispatch


# Beat publishes this every minute (queue "followups"). Rows are claimed under
# SKIP LOCKED, so overlapping runs and a second worker share the work without
# sending anything twice, and a failed run is not retried: the next is a minute away.
@shared_task(name="followups.dispatch_due", max_retries=0, ignore_result=True)
def dispatch_due(batch_size: int = dispatch.BATCH_SIZE) -> int:
    return dispatch.dispatch_due(batch_size=batch_size)
