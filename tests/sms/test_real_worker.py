"""A join-link text sent by a real Celery worker process through a real broker.

The worker is another process, so these tests commit (transaction=True) and point the
worker at this test run's database. It sends through the dev outbox backend, so "sent"
means a row in OutboxMessage, made by the worker.
"""

import re

import pytest

from response_platform.sms.models import OutboxMessage, SmsMessage, SmsStatus
from tests.personas import make_personas, open_case
from tests.workers import (
    broker_is_filesystem,
    celery_worker,
    require_redis,
    tasks_sent_to_the_broker,
    wait_until,
    worker_log,
)
from video import services
from video.models import EventKind, SessionEvent

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]

OUTBOX = "response_platform.sms.backends.outbox.OutboxBackend"
DELIVERY_WITHIN = 60  # seconds; a bound on the wait, the test passes as soon as the text is out


def send_a_link_through_the_worker(log_path) -> SmsMessage:
    people = make_personas()
    session = services.start_session(open_case(people.alice), by=people.alice)
    with tasks_sent_to_the_broker():
        # Committed on return, and only then is the task published (delay_on_commit).
        link = services.send_join_link(session, by=people.alice)

    delivered = wait_until(
        lambda: SmsMessage.objects.filter(pk=link.sms_id, status=SmsStatus.DELIVERED).exists(), within=DELIVERY_WITHIN
    )
    assert delivered, f"the worker did not send the text; its log:\n{worker_log(log_path)[-4000:]}"
    # Proof the worker process did it, not an eager call in this one (it logs after the task returns).
    ran = wait_until(lambda: re.search(r"Task sms\.send\[.+\] succeeded", worker_log(log_path)), within=10)
    assert ran, worker_log(log_path)[-4000:]
    return SmsMessage.objects.get(pk=link.sms_id)


def assert_sent_exactly_once(sms: SmsMessage) -> None:
    assert OutboxMessage.objects.count() == 1
    outbox = OutboxMessage.objects.get()
    assert outbox.sid == sms.provider_sid
    assert "/j/" in outbox.body
    assert sms.body == ""
    assert sms.attempts == 1
    # The worker ran the whole chain: the status receiver wrote the timeline entry too.
    assert SessionEvent.objects.filter(kind=EventKind.SMS_DELIVERED).count() == 1


def test_a_worker_on_redis_sends_a_queued_text_exactly_once(settings):
    redis_url = require_redis()
    settings.SMS_BACKEND = OUTBOX
    with celery_worker(env={"REDIS_URL": redis_url, "SMS_BACKEND": OUTBOX}) as log_path:
        sms = send_a_link_through_the_worker(log_path)
    assert_sent_exactly_once(sms)


def test_a_worker_on_the_filesystem_broker_sends_a_queued_text_exactly_once(settings):
    if not broker_is_filesystem():
        pytest.skip("REDIS_URL is set, so this run's broker is Redis (tested above)")
    settings.SMS_BACKEND = OUTBOX
    with celery_worker(env={"SMS_BACKEND": OUTBOX}) as log_path:
        sms = send_a_link_through_the_worker(log_path)
    assert_sent_exactly_once(sms)
