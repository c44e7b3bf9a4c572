from celery import shared_task

from response_platform.sms import services
from response_platform.sms.backends.base import SmsError

MAX_SEND_ATTEMPTS = 5


def backoff(retries: int) -> int:
    """Seconds before the next try: 5, 10, 20, 40. Short enough to keep in the broker (never a long ETA)."""
    return 5 * 2**retries


@shared_task(name="sms.send", bind=True, max_retries=MAX_SEND_ATTEMPTS - 1)
def send_sms(self, message_id: int) -> None:
    try:
        services.deliver(message_id)
    except SmsError as exc:
        if self.request.retries >= self.max_retries:
            services.give_up(message_id, exc)
            return
        raise self.retry(countdown=backoff(self.request.retries), exc=exc) from None


@shared_task(name="sms.sweep_unsent")
def sweep_unsent() -> dict[str, int]:
    """Every minute: send again what lost its task; fail and report what is hopeless."""
    return {"requeued": services.requeue_lost(), "failed": services.fail_stalled()}
