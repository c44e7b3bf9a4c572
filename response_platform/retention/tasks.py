from celery import shared_task

from response_platform.accounts.models import Force
from response_platform.retention import services
from reviews.retention import erase_incident_logs


# Beat publishes this nightly (queue "default"). Every erasure is claimed under SKIP LOCKED
# and committed batch by batch, so a run killed halfway or run twice erases nothing twice;
# a failed run is not retried: the next night finds whatever is left.
@shared_task(name="retention.apply", max_retries=0, ignore_result=True)
def apply_retention(batch_size: int = services.BATCH_SIZE) -> dict[str, int]:
    totals = {"unmatched_replies": services.erase_unmatched_replies(batch_size=batch_size)}
    for force in Force.objects.order_by("pk"):
        for name, count in services.apply_retention(force, batch_size=batch_size).items():
            totals[name] = totals.get(name, 0) + count
        # Call handlers' incident logs and their reviews (reviews/retention.py): no case owns them.
        totals["incident_logs"] = totals.get("incident_logs", 0) + erase_incident_logs(force, batch_size=batch_size)
    return totals
