from celery import shared_task

from referrals import escalation, notify


@shared_task(name="referrals.deliver", bind=True, max_retries=notify.MAX_ATTEMPTS)
def deliver(self, delivery_id: str) -> None:
    """One try at a notice; the Delivery row counts the tries and decides when to give up.
    Waits of a minute or less are held by the broker, longer ones by the row (the sweep)."""
    wait = notify.attempt(delivery_id)
    if wait is not None:
        raise self.retry(countdown=wait)


@shared_task(name="referrals.sweep_deliveries")
def sweep_deliveries() -> dict[str, int]:
    """Every minute: notices whose task was lost or whose backoff is over are queued again."""
    return notify.sweep()


@shared_task(name="referrals.escalate_overdue")
def escalate_overdue() -> int:
    """Every minute: referrals past their SLA (or twice it) go to the force's supervisors."""
    return escalation.escalate_overdue()
