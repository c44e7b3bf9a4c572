from celery import shared_task

from response_platform.sms import services
from response_platform.sms.backends.base import SmsError
from response_platform.sms.models import SmsMessage

MAX_SEND_ATTEMPTS = 5


@shared_task(name="sms.send", bind=True, max_retries=MAX_SEND_ATTEMPTS - 1)
def send_sms(self, message_id: int) -> None:
    try:
        services.deliver(message_id)
    except SmsError as exc:
        if self.request.retries >= self.max_retries:
            message = SmsMessage.objects.get(pk=message_id)
            services.mark_failed(
                message, code=exc.code, reason=f"Gave up after {message.attempts} attempts: {exc.message}"
            )
            return
        # 5 s, 10 s, 20 s, 40 s: short enough to keep in the broker (never a long ETA).
        raise self.retry(countdown=5 * 2**self.request.retries, exc=exc) from None
