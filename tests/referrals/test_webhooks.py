"""The signed webhook to a support service, sent to a real HTTP server on 127.0.0.1.

Retries run as a worker would run them (run_like_a_worker); waits longer than a
minute are rows found by the sweep, so those tests run the sweep at the due time.
"""

import asyncio
import json
import re
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import timezone

from referrals import notify, tasks
from referrals.models import Delivery, DeliveryChannel, DeliveryStatus, ReferralEvent, ReferralEventKind
from response_platform.cases.panels import case_group
from tests.personas import VICTIM_MOBILE
from tests.referrals.referral_rows import DASH_NOTE, INCIDENT_REFERENCE, a_referral
from tests.referrals.webhook_receiver import WebhookReceiver
from tests.workers import celery_worker, run_like_a_worker, tasks_sent_to_the_broker, wait_until, worker_log

SECRET = "whsec-test-7f3a9c1d5e"


def documented_verifier():
    """The receiver's verification function, exactly as the README shows it."""
    text = (settings.BASE_DIR / "README.md").read_text()
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    namespace: dict = {}
    exec(code, namespace)
    return namespace["verify_referral_webhook"]


@pytest.fixture
def referral(people):
    people.service_a.webhook_secret = SECRET
    people.service_a.save()
    return a_referral(people, shared_data={"phone": VICTIM_MOBILE, "dash_notes": DASH_NOTE})


def webhook_to(receiver: WebhookReceiver, referral, django_capture_on_commit_callbacks) -> Delivery:
    """Point the service at the receiver and make the notices, without running their tasks yet."""
    service = referral.service
    service.webhook_url = receiver.url
    service.save()
    with django_capture_on_commit_callbacks(execute=False):
        notify.notify_service(referral, "referral.sent")
    return Delivery.objects.get(referral=referral, channel=DeliveryChannel.WEBHOOK)


def sent_ids(receiver: WebhookReceiver) -> set[str]:
    return {request.headers["X-Referral-Delivery"] for request in receiver.received}


def events(referral, kind) -> list[ReferralEvent]:
    return list(ReferralEvent.objects.filter(referral=referral, kind=kind))


async def _receive(layer, channel: str) -> dict:
    # A bound on a wait, not a timing assertion: the push is made before this is awaited.
    return await asyncio.wait_for(layer.receive(channel), timeout=10)


def test_the_signature_verifies_with_the_receivers_snippet_from_the_docs(referral, django_capture_on_commit_callbacks):
    verify = documented_verifier()
    with WebhookReceiver(200) as receiver:
        delivery = webhook_to(receiver, referral, django_capture_on_commit_callbacks)
        run_like_a_worker(tasks.deliver, str(delivery.pk))

    [request] = receiver.received
    timestamp, signature = request.headers["X-Referral-Timestamp"], request.headers["X-Referral-Signature"]
    assert verify(SECRET, timestamp, request.body, signature)
    assert not verify("some-other-secret", timestamp, request.body, signature)
    assert not verify(SECRET, timestamp, request.body.replace(b'"sent"', b'"closed"'), signature)
    assert not verify(SECRET, str(int(timestamp) - 3600), request.body, signature)
    # A signature an hour old is refused even though it was genuine then.
    assert not verify(SECRET, timestamp, request.body, signature, now=int(timestamp) + 3600)

    body = json.loads(request.body)
    assert body["id"] == request.headers["X-Referral-Delivery"] == str(delivery.pk)
    assert body["event"] == "referral.sent"
    assert body["referral"]["id"] == str(referral.pk)
    assert body["referral"]["status"] == "sent"
    assert body["referral"]["portal_url"].startswith(settings.PUBLIC_BASE_URL + "/portal/")
    for personal in (VICTIM_MOBILE, VICTIM_MOBILE[3:], INCIDENT_REFERENCE, DASH_NOTE):
        assert personal not in request.body.decode()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.DELIVERED, 1, 200)
    assert [event.note for event in events(referral, ReferralEventKind.NOTIFIED)] == [
        "Webhook to the service delivered (HTTP 200)."
    ]


def test_a_500_is_retried_with_the_same_delivery_id_until_it_is_delivered(referral, django_capture_on_commit_callbacks):
    verify = documented_verifier()
    with WebhookReceiver(500, 200) as receiver:
        delivery = webhook_to(receiver, referral, django_capture_on_commit_callbacks)
        waits = run_like_a_worker(tasks.deliver, str(delivery.pk))

    assert waits == [10]
    assert len(receiver.received) == 2
    assert sent_ids(receiver) == {str(delivery.pk)}
    assert receiver.received[0].body == receiver.received[1].body
    for request in receiver.received:
        assert verify(
            SECRET, request.headers["X-Referral-Timestamp"], request.body, request.headers["X-Referral-Signature"]
        )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
    assert not events(referral, ReferralEventKind.NOTIFY_FAILED)


def test_a_400_is_not_retried_and_the_failure_is_recorded(referral, django_capture_on_commit_callbacks):
    with WebhookReceiver(400, 200) as receiver:
        delivery = webhook_to(receiver, referral, django_capture_on_commit_callbacks)
        waits = run_like_a_worker(tasks.deliver, str(delivery.pk))

    assert waits == []
    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.FAILED, 1, 400)
    assert [event.note for event in events(referral, ReferralEventKind.NOTIFY_FAILED)] == [
        "Webhook to the service not delivered after 1 try: HTTP 400."
    ]
    # Nothing is left for the sweep to send again later.
    notify.sweep(now=timezone.now() + timedelta(days=1))
    assert len(receiver.received) == 1


def test_a_redirect_is_not_followed(referral, django_capture_on_commit_callbacks):
    with WebhookReceiver(302) as receiver:
        delivery = webhook_to(receiver, referral, django_capture_on_commit_callbacks)
        run_like_a_worker(tasks.deliver, str(delivery.pk))

    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == (DeliveryStatus.FAILED, "HTTP 302")


def test_a_receiver_too_slow_to_answer_is_tried_again_with_the_same_delivery_id(
    referral, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_TIMEOUT = 0.3
    with WebhookReceiver((200, 3.0), 200) as receiver:
        delivery = webhook_to(receiver, referral, django_capture_on_commit_callbacks)
        waits = run_like_a_worker(tasks.deliver, str(delivery.pk))

    assert waits == [10]
    # The receiver got both: the first came in but its answer was too late. It de-duplicates on the id.
    assert len(receiver.received) == 2
    assert sent_ids(receiver) == {str(delivery.pk)}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)


def test_a_receiver_that_keeps_failing_is_given_up_on_and_the_specialist_is_told(
    referral, django_capture_on_commit_callbacks
):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(case_group(referral.case_id), channel)
    with WebhookReceiver(500) as receiver:
        delivery = webhook_to(receiver, referral, django_capture_on_commit_callbacks)
        # The email went; the only news for the case page below is the webhook's.
        Delivery.objects.filter(channel=DeliveryChannel.EMAIL).update(status=DeliveryStatus.DELIVERED)
        # The first tries wait in the broker; none of those waits is longer than a minute.
        assert run_like_a_worker(tasks.deliver, str(delivery.pk)) == [10, 20, 40]
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 4)
        assert delivery.next_attempt_at >= timezone.now() + timedelta(seconds=70)
        # Not before its time...
        assert notify.sweep()["requeued"] == 0
        # ...then each longer wait is a row the minute sweep finds when it is due.
        with django_capture_on_commit_callbacks(execute=True):
            while delivery.status == DeliveryStatus.PENDING:
                notify.sweep(now=delivery.next_attempt_at)
                delivery.refresh_from_db()

    assert len(receiver.received) == notify.MAX_ATTEMPTS
    assert sent_ids(receiver) == {str(delivery.pk)}
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.FAILED,
        notify.MAX_ATTEMPTS,
        "HTTP 500",
    )
    assert [event.note for event in events(referral, ReferralEventKind.NOTIFY_FAILED)] == [
        f"Webhook to the service not delivered after {notify.MAX_ATTEMPTS} tries: HTTP 500."
    ]
    # The specialist's open case page is told to reload its referrals panel.
    message = async_to_sync(_receive)(layer, channel)
    assert message == {"type": "panel.changed", "panel": "referrals"}
    async_to_sync(layer.group_discard)(case_group(referral.case_id), channel)


def test_a_second_task_for_the_same_notice_sends_nothing(referral, django_capture_on_commit_callbacks):
    with WebhookReceiver(200) as receiver:
        delivery = webhook_to(receiver, referral, django_capture_on_commit_callbacks)
        run_like_a_worker(tasks.deliver, str(delivery.pk))
        run_like_a_worker(tasks.deliver, str(delivery.pk))

    assert len(receiver.received) == 1
    assert len(events(referral, ReferralEventKind.NOTIFIED)) == 1


def test_a_webhook_left_sending_by_a_dead_worker_is_sent_again_later(referral, django_capture_on_commit_callbacks):
    with WebhookReceiver(200) as receiver:
        delivery = webhook_to(receiver, referral, django_capture_on_commit_callbacks)
        # A worker claimed it and was killed before it could record the answer.
        assert notify.claim(delivery.pk) is not None
        assert notify.sweep()["recovered"] == 0
        notify.sweep(now=timezone.now() + notify.SENDING_LEASE)

    assert sent_ids(receiver) == {str(delivery.pk)}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)


def test_a_webhook_without_a_secret_is_failed_not_sent_unsigned(referral, django_capture_on_commit_callbacks):
    referral.service.webhook_secret = ""
    with WebhookReceiver(200) as receiver:
        delivery = webhook_to(receiver, referral, django_capture_on_commit_callbacks)
        run_like_a_worker(tasks.deliver, str(delivery.pk))

    assert receiver.received == []
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "No webhook secret" in events(referral, ReferralEventKind.NOTIFY_FAILED)[0].note


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(180)
def test_a_real_worker_retries_a_500_and_delivers_the_notice_once():
    from django.db import transaction

    from tests.personas import make_personas

    people = make_personas()
    people.service_a.webhook_secret = SECRET
    people.service_a.save()
    referral = a_referral(people)
    verify = documented_verifier()
    with WebhookReceiver(500, 200) as receiver, celery_worker(queues="referrals") as log_path:
        people.service_a.webhook_url = receiver.url
        people.service_a.save()
        with tasks_sent_to_the_broker(), transaction.atomic():
            # Published when this commits, as the referral service does it.
            notify.notify_service(referral, "referral.sent")
        delivery = Delivery.objects.get(channel=DeliveryChannel.WEBHOOK)
        # The retry waits 10 s in the worker; a bound on the wait, not a timing assertion.
        delivered = wait_until(lambda: Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 2, within=90)
        assert delivered, worker_log(log_path)[-4000:]
        # Proof the worker process did it, retry included, not an eager call in this one.
        assert re.search(r"Task referrals\.deliver\[.+\] retry: Retry in 10s", worker_log(log_path))

    assert len(receiver.received) == 2
    assert sent_ids(receiver) == {str(delivery.pk)}
    for request in receiver.received:
        assert verify(
            SECRET, request.headers["X-Referral-Timestamp"], request.body, request.headers["X-Referral-Signature"]
        )
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status_code) == (2, 200)
    assert len(events(referral, ReferralEventKind.NOTIFIED)) == 2  # the email and the webhook
