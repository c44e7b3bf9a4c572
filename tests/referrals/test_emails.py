"""Notice emails to support services: a link to the portal and nothing about the victim."""

import socket
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from referrals import notify, tasks
from referrals.models import Delivery, DeliveryStatus, ReferralEvent, ReferralEventKind
from tests.personas import VICTIM_MOBILE
from tests.referrals.referral_rows import DASH_NOTE, INCIDENT_REFERENCE, a_referral
from tests.sms.test_broker_outage import broker_down
from tests.workers import run_like_a_worker

# The ways the number could appear: E.164, national, spaced.
NUMBER_FORMS = (VICTIM_MOBILE, "07700900123", "07700 900123", "7700900123")


@pytest.fixture
def referral(people):
    return a_referral(people, shared_data={"phone": VICTIM_MOBILE, "dash_notes": DASH_NOTE})


def send_notice(referral, event, django_capture_on_commit_callbacks) -> Delivery:
    with django_capture_on_commit_callbacks(execute=False):
        notify.notify_service(referral, event)
    [delivery] = Delivery.objects.filter(referral=referral, event=event)
    run_like_a_worker(tasks.deliver, str(delivery.pk))
    delivery.refresh_from_db()
    return delivery


def assert_nothing_personal(message) -> None:
    text = message.subject + "\n" + message.body
    for personal in (*NUMBER_FORMS, INCIDENT_REFERENCE, DASH_NOTE, "alice"):
        assert personal not in text


@pytest.mark.parametrize("event", ["referral.sent", "referral.overdue"])
def test_the_service_is_emailed_a_portal_link_and_nothing_about_the_victim(
    referral, event, django_capture_on_commit_callbacks
):
    delivery = send_notice(referral, event, django_capture_on_commit_callbacks)

    [message] = mail.outbox
    assert message.to == [referral.service.contact_email]
    assert_nothing_personal(message)
    assert settings.PUBLIC_BASE_URL + "/portal/" in message.body
    assert "portal" in message.subject
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)
    [event_row] = ReferralEvent.objects.filter(referral=referral, kind=ReferralEventKind.NOTIFIED)
    assert event_row.note == "Email to the service delivered."


def test_a_service_without_a_webhook_gets_the_email_only(referral, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        notify.notify_service(referral, "referral.sent")
    assert list(Delivery.objects.values_list("channel", "recipient")) == [("email", referral.service.contact_email)]


def test_a_notice_made_while_the_broker_is_down_is_sent_by_the_sweep(referral, django_capture_on_commit_callbacks):
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        notify.notify_service(referral, "referral.sent")
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert mail.outbox == []

    # The broker is back; the minute sweep finds the notice waiting.
    assert notify.sweep(now=timezone.now() + notify.SWEEP_GRACE)["requeued"] == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert len(mail.outbox) == 1


def test_an_email_left_sending_by_a_dead_worker_is_not_sent_again_and_the_specialist_is_told(
    referral, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        notify.notify_service(referral, "referral.sent")
    delivery = Delivery.objects.get()
    # A worker claimed it and was killed: the mail server may or may not have it.
    notify.claim(delivery.pk)
    result = notify.sweep(now=timezone.now() + notify.SENDING_LEASE + timedelta(seconds=1))

    assert result == {"requeued": 0, "recovered": 0, "failed": 1}
    assert mail.outbox == []
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    [failed] = ReferralEvent.objects.filter(referral=referral, kind=ReferralEventKind.NOTIFY_FAILED)
    assert failed.note.startswith("Email to the service not delivered after 1 try: Sending stopped part-way")


def test_a_mail_server_that_is_down_is_tried_again_later(referral, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", closed_port(), False
    with django_capture_on_commit_callbacks(execute=False):
        notify.notify_service(referral, "referral.sent")
    delivery = Delivery.objects.get()

    assert run_like_a_worker(tasks.deliver, str(delivery.pk)) == [10, 20, 40]
    delivery.refresh_from_db()
    # Still waiting, for the sweep to try again after a longer wait; nobody is told of a failure yet.
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 4)
    assert delivery.last_error == "Mail server unavailable (ConnectionRefusedError)"
    assert not ReferralEvent.objects.filter(kind=ReferralEventKind.NOTIFY_FAILED).exists()


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
