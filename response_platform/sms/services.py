"""Queue, send and track SMS messages. Views, webhooks and tasks all call these."""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from response_platform.sms.backends.base import SmsError, get_backend
from response_platform.sms.models import FINAL_STATUSES, STATUS_RANK, SmsMessage, SmsStatus
from response_platform.sms.signals import sms_status_changed

log = logging.getLogger(__name__)


def queue_sms(*, to: str, body: str, record_body: str) -> SmsMessage:
    """Store the message and send it from a worker once the caller's transaction commits."""
    from response_platform.sms.tasks import send_sms

    message = SmsMessage.objects.create(to=to, body=body, record_body=record_body)
    send_sms.delay_on_commit(message.pk)
    return message


def status_callback_url() -> str:
    return settings.PUBLIC_BASE_URL + reverse("sms:status-webhook")


def claim_for_sending(message_id: int) -> SmsMessage | None:
    """Move a pending message to 'submitting'. Only one caller ever wins a message."""
    claimed = SmsMessage.objects.filter(pk=message_id, status=SmsStatus.PENDING).update(
        status=SmsStatus.SUBMITTING, attempts=F("attempts") + 1, status_changed_at=timezone.now()
    )
    return SmsMessage.objects.get(pk=message_id) if claimed else None


def deliver(message_id: int) -> None:
    """Hand one message to the provider, at most once.

    Raises SmsError(permanent=False) for the caller (the task) to retry; the
    message is then back to 'pending' so the retry can claim it again.
    """
    message = claim_for_sending(message_id)
    if message is None:
        log.info("sms %s already claimed or finished; not sending again", message_id)
        return
    try:
        result = get_backend().send(to=message.to, body=message.body, status_callback=status_callback_url())
    except SmsError as exc:
        if exc.permanent:
            mark_failed(message, code=exc.code, reason=exc.message)
            return
        SmsMessage.objects.filter(pk=message.pk, status=SmsStatus.SUBMITTING).update(
            status=SmsStatus.PENDING, error_code=exc.code, error_message=exc.message
        )
        raise
    SmsMessage.objects.filter(pk=message.pk).update(provider_sid=result.sid, body="", error_code="", error_message="")
    advance_status(message.pk, result.status)


def mark_failed(message: SmsMessage, *, code: str, reason: str) -> None:
    SmsMessage.objects.filter(pk=message.pk).update(body="", error_code=code, error_message=reason[:300])
    advance_status(message.pk, SmsStatus.FAILED)


def advance_status(message_id: int, status: str, *, error_code: str = "") -> bool:
    """Move the status forward only. Returns whether anything changed."""
    if status not in STATUS_RANK:
        return False
    with transaction.atomic():
        message = SmsMessage.objects.select_for_update().get(pk=message_id)
        previous = message.status
        if STATUS_RANK[status] <= STATUS_RANK[previous] or previous in FINAL_STATUSES:
            return False
        message.status = status
        message.status_changed_at = timezone.now()
        fields = ["status", "status_changed_at"]
        if error_code:
            message.error_code = error_code
            fields.append("error_code")
        message.save(update_fields=fields)
        transaction.on_commit(lambda: sms_status_changed.send(sender=SmsMessage, message=message, previous=previous))
    return True


def apply_provider_status(provider_sid: str, status: str, error_code: str = "") -> bool:
    """A status report from the provider's webhook."""
    message_id = SmsMessage.objects.filter(provider_sid=provider_sid).values_list("pk", flat=True).first()
    if message_id is None:
        return False
    return advance_status(message_id, status, error_code=error_code)
