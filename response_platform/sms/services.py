"""Queue, send and track SMS messages. Views, webhooks and tasks all call these."""

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from response_platform.sms import optout
from response_platform.sms.backends.base import SendResult, SmsError, get_backend
from response_platform.sms.models import FINAL_STATUSES, STATUS_RANK, OptOutSource, SmsMessage, SmsStatus
from response_platform.sms.signals import sms_status_changed

log = logging.getLogger(__name__)

# Statuses in which the provider has not (knowingly) got the message yet.
NOT_HANDED_OVER = (SmsStatus.PENDING, SmsStatus.SUBMITTING)
UNCONFIRMED = "Sending stopped on an unexpected error; the text may not have gone. Send the link again if needed."
STALLED = "The text was never handed to the network. Send the link again."
# Our own refusal, not the provider's: the number replied STOP (or Twilio said 21610).
OPTED_OUT_CODE = "opted-out"
UNSUBSCRIBED = "21610"  # Twilio: the recipient replied STOP to our sending number
# Longer than the longest retry countdown (40 s): a pending text older than this has
# lost its task (a broker restart) and is queued again; the claim keeps it to one send.
REQUEUE_AFTER = timedelta(seconds=90)
# Longer than the whole retry chain (5+10+20+40 s of backoff plus five HTTP timeouts).
STALLED_AFTER = timedelta(minutes=10)
# Twilio's sids are letters and digits ("SM" + 32 hex), its error codes up to five digits.
PROVIDER_SID = re.compile(r"[A-Za-z0-9]{2,64}")
PROVIDER_ERROR_CODE = re.compile(r"[0-9]{1,16}")


def queue_sms(*, to: str, body: str, record_body: str) -> SmsMessage:
    """Store the message and send it from a worker once the caller's transaction commits.

    A number that replied STOP gets nothing: the message fails once the caller's
    transaction commits (by then the join link carrying it exists, so the failure
    reaches its session record) and the status machinery tells the specialist.
    """
    message = SmsMessage.objects.create(to=to, body=body, record_body=record_body)
    if optout.is_opted_out(to):
        transaction.on_commit(lambda: refuse_opted_out(message.pk))
    else:
        transaction.on_commit(lambda: enqueue(message.pk))
    return message


def refuse_opted_out(message_id: int) -> bool:
    return mark_failed(message_id, code=OPTED_OUT_CODE, reason=optout.REASON)


def enqueue(message_id: int) -> bool:
    """Hand the send to the broker. With the broker down (a Redis restart) the text stays
    'pending' and the minute sweep queues it again: the specialist gets no error page."""
    from response_platform.sms.tasks import send_sms

    try:
        send_sms.delay(message_id)
    except OperationalError as exc:
        log.warning("sms %s: broker unavailable (%s); the sweep will queue it", message_id, type(exc).__name__)
        return False
    return True


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
    message is then back to 'pending' so the retry can claim it again. A
    permanent refusal or an unexpected error fails the message at once.
    """
    message = claim_for_sending(message_id)
    if message is None:
        log.info("sms %s already claimed or finished; not sending again", message_id)
        return
    # Queued before the STOP arrived: still not sent.
    if optout.is_opted_out(message.to):
        refuse_opted_out(message.pk)
        return
    try:
        result = _backend_for(message.pk).send(to=message.to, body=message.body, status_callback=status_callback_url())
    except SmsError as exc:
        if exc.code == UNSUBSCRIBED:
            optout.opt_out(message.to, OptOutSource.PROVIDER)
        if exc.permanent:
            mark_failed(message.pk, code=exc.code, reason=exc.message)
            return
        _release_for_retry(message.pk, exc)
        raise
    except Exception as exc:
        # Our fault or an answer we cannot read: whether it went out is unknown, so it is
        # not retried blind; the specialist is told instead of the row sitting in 'submitting'.
        # The exception text may quote the number, so only its type is logged.
        log.error("sms %s: unexpected %s while sending", message_id, type(exc).__name__)
        mark_failed(message.pk, code="", reason=UNCONFIRMED)
        return
    _record_hand_off(message.pk, result)


def _backend_for(message_id: int):
    from control_room.training import is_training_sms

    return get_backend(training=is_training_sms(message_id))


def _release_for_retry(message_id: int, error: SmsError) -> None:
    SmsMessage.objects.filter(pk=message_id, status=SmsStatus.SUBMITTING).update(
        status=SmsStatus.PENDING, error_code=error.code, error_message=error.message, status_changed_at=timezone.now()
    )


def _record_hand_off(message_id: int, result: SendResult) -> None:
    # The provider has the text now; the join token in it is not kept a moment longer.
    SmsMessage.objects.filter(pk=message_id).update(provider_sid=result.sid, body="", error_code="", error_message="")
    advance_status(message_id, result.status)


def give_up(message_id: int, error: SmsError) -> bool:
    """The last retry failed: record it and tell the specialist."""
    attempts = SmsMessage.objects.filter(pk=message_id).values_list("attempts", flat=True).first() or 0
    return mark_failed(message_id, code=error.code, reason=f"Not sent after {attempts} tries. {error.message}")


def mark_failed(message_id: int, *, code: str, reason: str) -> bool:
    """Fail a message the provider does not have. Returns whether anything changed.

    A message already handed over is left alone: its fate is the provider's to report.
    """
    with transaction.atomic():
        message = SmsMessage.objects.select_for_update().filter(pk=message_id, status__in=NOT_HANDED_OVER).first()
        if message is None:
            return False
        previous = message.status
        message.body = ""
        message.error_code = code
        message.error_message = reason[:300]
        message.status = SmsStatus.FAILED
        message.status_changed_at = timezone.now()
        message.save(update_fields=["body", "error_code", "error_message", "status", "status_changed_at"])
        _announce_on_commit(message, previous)
    return True


def requeue_lost(now=None) -> int:
    """Queue again texts still waiting to send whose task has gone (Redis keeps nothing on disk).

    Only 'pending' ones: nothing has been handed over, so another try cannot send twice,
    and a task that was only late finds the text already claimed and does nothing.
    """
    now = now or timezone.now()
    lost = SmsMessage.objects.filter(
        status=SmsStatus.PENDING, status_changed_at__lt=now - REQUEUE_AFTER, status_changed_at__gte=now - STALLED_AFTER
    ).values_list("pk", flat=True)
    return sum(enqueue(message_id) for message_id in lost)


def fail_stalled(now=None) -> int:
    """Fail messages stuck before the provider, so nobody waits for a text that is not coming.

    A worker killed mid-send leaves 'submitting' (never resent: it may have gone), and a
    broker restart loses queued tasks (Redis here keeps nothing on disk).
    """
    cutoff = (now or timezone.now()) - STALLED_AFTER
    stalled = SmsMessage.objects.filter(status__in=NOT_HANDED_OVER, status_changed_at__lt=cutoff)
    return sum(mark_failed(pk, code="", reason=STALLED) for pk in stalled.values_list("pk", flat=True))


def advance_status(message_id: int, status: str, *, error_code: str = "", error_message: str = "") -> bool:
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
            message.error_message = error_message[:300]
            fields += ["error_code", "error_message"]
        message.save(update_fields=fields)
        _announce_on_commit(message, previous)
    return True


def _announce_on_commit(message: SmsMessage, previous: str) -> None:
    transaction.on_commit(lambda: sms_status_changed.send(sender=SmsMessage, message=message, previous=previous))


def apply_provider_status(provider_sid: str, status: str, error_code: str = "", error_message: str = "") -> bool:
    """A status report from the provider's webhook."""
    # Anything else is not the provider's, and a NUL byte in it would reach PostgreSQL, which refuses it (a 500).
    if not PROVIDER_SID.fullmatch(provider_sid):
        return False
    if not PROVIDER_ERROR_CODE.fullmatch(error_code):
        error_code, error_message = "", ""
    message = SmsMessage.objects.filter(provider_sid=provider_sid).only("pk", "to").first()
    if message is None:
        return False
    if error_code == UNSUBSCRIBED:
        optout.opt_out(message.to, OptOutSource.PROVIDER)
    return advance_status(message.pk, status, error_code=error_code, error_message=error_message)
