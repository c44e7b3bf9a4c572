"""With the broker down (a Redis restart), sending a link gives the specialist no error page
and the text is not lost: the minute sweep queues it once the broker is back."""

from contextlib import contextmanager
from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from response_platform.celery import app
from response_platform.sms import services
from response_platform.sms.models import OutboxMessage, SmsMessage, SmsStatus
from tests.personas import open_case, verified_client
from tests.workers import tasks_sent_to_the_broker


@contextmanager
def broker_down():
    """Point this process's Celery at a Redis nobody listens on, and put it back after."""
    saved = (app.conf.broker_url, app.conf.broker_connection_timeout, app.conf.broker_connection_max_retries)
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app.conf.broker_connection_timeout = 1
    app.conf.broker_connection_max_retries = 0
    forget_connections()
    try:
        with tasks_sent_to_the_broker():
            yield
    finally:
        app.conf.broker_url, app.conf.broker_connection_timeout, app.conf.broker_connection_max_retries = saved
        forget_connections()


def forget_connections():
    """Celery keeps its broker connections in pools; new ones must read the changed URL."""
    app._pool = None
    app.amqp._producer_pool = None


def test_sending_a_link_while_the_broker_is_down_is_not_an_error_and_not_lost(people):
    case = open_case(people.alice)
    client = verified_client(people.alice)
    with broker_down(), TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/cases/{case.pk}/sessions/")
    assert response.status_code == 302
    sms = SmsMessage.objects.get()
    assert sms.status == SmsStatus.PENDING
    assert not OutboxMessage.objects.exists()

    # The broker is back; the next sweep finds the text waiting and sends it.
    assert services.requeue_lost(now=timezone.now() + timedelta(minutes=2)) == 1
    sms.refresh_from_db()
    assert sms.status == SmsStatus.DELIVERED
    assert OutboxMessage.objects.count() == 1
