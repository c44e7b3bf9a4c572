"""Telling a support service about a referral: an email with no personal data, and a signed webhook.

Each notice is a Delivery row, queued after the referral commits and sent by the
`referrals.deliver` task. The row, not the broker, is the memory: `next_attempt_at`
is when the minute sweep takes a row over (a pending row whose task was lost, a
backoff too long for the broker, a worker that died mid-send).
"""

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from referrals.live import referral_changed
from referrals.models import Delivery, DeliveryChannel, DeliveryStatus, ReferralEvent, ReferralEventKind
from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record

log = logging.getLogger(__name__)

# Tries per notice: waits of 10, 20, 40 s (in the broker), then 80 s to about 11 min (rows
# found by the sweep); after about 21 minutes of failures it is given up on and the specialist told.
MAX_ATTEMPTS = 8
# Never a longer countdown in the broker: Redis keeps nothing on disk and redelivers
# unacked tasks after its visibility timeout.
LONGEST_BROKER_WAIT = 60
# A queued row nobody has claimed this long after it was due has lost its task.
SWEEP_GRACE = timedelta(seconds=60)
# Longer than one send can take (connect + read timeouts, SMTP): a row still 'sending'
# after this was left by a worker that died.
SENDING_LEASE = timedelta(minutes=5)
# Supervisors' escalation emails; every other event goes to the service.
SUPERVISOR_EVENT = "referral.escalated"


class DeliveryError(Exception):
    """A send that did not work. `reason` is short and carries no personal data (e.g. "HTTP 500")."""

    def __init__(self, reason: str, *, permanent: bool, status_code: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.status_code = status_code


def notify_service(referral, event: str) -> None:
    """Queue the notices for `event` (e.g. "referral.sent") to the referral's service, sent after commit."""
    service = referral.service
    queue_delivery(referral, event=event, channel=DeliveryChannel.EMAIL, recipient=service.contact_email)
    if service.webhook_url:
        queue_delivery(referral, event=event, channel=DeliveryChannel.WEBHOOK, recipient=service.webhook_url)


def portal_url(referral) -> str:
    """The referral's page in the service's portal: the only thing a notice points to."""
    try:
        path = reverse("portal:referral", args=[referral.pk])
    except NoReverseMatch:
        # Until the portal has a page per referral, the inbox lists it.
        path = reverse("portal:inbox")
    return settings.PUBLIC_BASE_URL + path


def queue_delivery(referral, *, event: str, channel: str, recipient: str) -> Delivery:
    delivery = Delivery.objects.create(
        referral=referral,
        event=event,
        channel=channel,
        recipient=recipient,
        next_attempt_at=timezone.now() + SWEEP_GRACE,
    )
    transaction.on_commit(lambda: enqueue(delivery.pk))
    return delivery


def enqueue(delivery_id) -> bool:
    """Hand the send to the broker. With the broker down the row stays pending for the sweep."""
    from referrals.tasks import deliver

    try:
        deliver.delay(str(delivery_id))
    except OperationalError as exc:
        log.warning("delivery %s: broker unavailable (%s); the sweep will queue it", delivery_id, type(exc).__name__)
        return False
    return True


def backoff(attempts: int) -> int:
    """Seconds to wait after the `attempts`-th failed try: 10, 20, 40, 80, 160 ..."""
    return 10 * 2 ** (attempts - 1)


def claim(delivery_id) -> Delivery | None:
    """pending → sending. Only one caller ever wins a try, so a duplicate task sends nothing."""
    claimed = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, next_attempt_at=timezone.now() + SENDING_LEASE
    )
    if not claimed:
        return None
    return Delivery.objects.select_related("referral__service", "referral__case__force").get(pk=delivery_id)


def attempt(delivery_id) -> int | None:
    """Make one try. Returns how many seconds the caller should wait in the broker before the
    next, or None when there is nothing more for it to do (sent, given up, or left to the sweep)."""
    delivery = claim(delivery_id)
    if delivery is None:
        log.info("delivery %s already claimed or finished; not sending again", delivery_id)
        return None
    try:
        send(delivery)
    except DeliveryError as exc:
        return _after_failure(delivery, exc)
    except Exception as exc:
        # Our own fault (a template, a setting): trying again would fail the same way.
        log.exception("delivery %s: unexpected %s", delivery_id, type(exc).__name__)
        give_up(delivery, DeliveryError(f"Internal error ({type(exc).__name__})", permanent=True))
        return None
    _mark_delivered(delivery)
    return None


def send(delivery: Delivery) -> None:
    from referrals import emails, webhooks

    if delivery.channel == DeliveryChannel.WEBHOOK:
        delivery.last_status_code = webhooks.send(delivery)
    else:
        emails.send(delivery)


def _after_failure(delivery: Delivery, error: DeliveryError) -> int | None:
    if error.permanent or delivery.attempts >= MAX_ATTEMPTS:
        give_up(delivery, error)
        return None
    wait = backoff(delivery.attempts)
    in_broker = wait <= LONGEST_BROKER_WAIT
    # A retry held by the broker gets a grace period before the sweep steps in; a longer
    # wait is the sweep's job from the start.
    due = timezone.now() + timedelta(seconds=wait) + (SWEEP_GRACE if in_broker else timedelta(0))
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.PENDING,
        next_attempt_at=due,
        last_status_code=error.status_code,
        last_error=error.reason[:300],
    )
    log.info("delivery %s: try %s failed (%s); next in %s s", delivery.pk, delivery.attempts, error.reason, wait)
    return wait if in_broker else None


def _mark_delivered(delivery: Delivery) -> None:
    with transaction.atomic():
        changed = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.DELIVERED,
            delivered_at=timezone.now(),
            next_attempt_at=None,
            last_status_code=delivery.last_status_code,
            last_error="",
        )
        if changed and delivery.event != SUPERVISOR_EVENT:
            _record(delivery, ReferralEventKind.NOTIFIED, _delivered_note(delivery))
        if changed and delivery.channel == DeliveryChannel.WEBHOOK:
            _audit_webhook(delivery)
    if changed:
        referral_changed(delivery.referral)


def give_up(delivery: Delivery, error: DeliveryError) -> bool:
    """Fail the notice for good, and put it on the referral's record for the specialist to see."""
    with transaction.atomic():
        changed = Delivery.objects.filter(
            pk=delivery.pk, status__in=(DeliveryStatus.PENDING, DeliveryStatus.SENDING)
        ).update(
            status=DeliveryStatus.FAILED,
            next_attempt_at=None,
            last_status_code=error.status_code,
            last_error=error.reason[:300],
        )
        if changed:
            attempts = Delivery.objects.values_list("attempts", flat=True).get(pk=delivery.pk)
            _record(delivery, ReferralEventKind.NOTIFY_FAILED, _failed_note(delivery, error, attempts))
    if changed:
        log.warning("delivery %s failed: %s", delivery.pk, error.reason)
        referral_changed(delivery.referral)
    return bool(changed)


def _audit_webhook(delivery: Delivery) -> None:
    # The body names the referral, its status and SLA: a disclosure to whoever runs the receiver.
    host = urlsplit(delivery.recipient).hostname or ""
    record(AuditAction.DISCLOSURE, delivery.referral, recipient=host, detail=f"webhook delivered: {delivery.event}")


def _record(delivery: Delivery, kind: str, note: str) -> None:
    ReferralEvent.objects.create(referral_id=delivery.referral_id, kind=kind, note=note)


def _what(delivery: Delivery) -> str:
    if delivery.event == SUPERVISOR_EVENT:
        return "Escalation email to supervisors"
    return "Webhook to the service" if delivery.channel == DeliveryChannel.WEBHOOK else "Email to the service"


def _delivered_note(delivery: Delivery) -> str:
    code = f" (HTTP {delivery.last_status_code})" if delivery.last_status_code else ""
    return f"{_what(delivery)} delivered{code}."


def _failed_note(delivery: Delivery, error: DeliveryError, attempts: int) -> str:
    tries = "1 try" if attempts == 1 else f"{attempts} tries"
    return f"{_what(delivery)} not delivered after {tries}: {error.reason}."


def sweep(now=None) -> dict[str, int]:
    """Every minute: queue again rows whose task was lost or whose backoff is over, and deal
    with rows left 'sending' by a worker that died."""
    now = now or timezone.now()
    due = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    requeued = sum(_requeue(pk, DeliveryStatus.PENDING, now) for pk in due.values_list("pk", flat=True))
    stuck = Delivery.objects.filter(status=DeliveryStatus.SENDING, next_attempt_at__lte=now)
    recovered = failed = 0
    for delivery in stuck.select_related("referral"):
        if delivery.channel == DeliveryChannel.WEBHOOK and delivery.attempts < MAX_ATTEMPTS:
            # Safe to send again: the receiver de-duplicates on the delivery id.
            recovered += _requeue(delivery.pk, DeliveryStatus.SENDING, now)
        else:
            # An email may already have gone; escalation emails in particular go at most
            # once. Failing it tells the specialist, who can check with the service.
            failed += give_up(delivery, DeliveryError("Sending stopped part-way; it may not have gone", permanent=True))
    return {"requeued": requeued, "recovered": recovered, "failed": failed}


def _requeue(delivery_id, status: str, now) -> bool:
    # Pushing next_attempt_at on first means the next sweep does not queue it a second
    # time while this task waits behind others; the claim would stop a double send anyway.
    moved = Delivery.objects.filter(pk=delivery_id, status=status, next_attempt_at__lte=now).update(
        status=DeliveryStatus.PENDING, next_attempt_at=now + SWEEP_GRACE
    )
    return bool(moved) and enqueue(delivery_id)
