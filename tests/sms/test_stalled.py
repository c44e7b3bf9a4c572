"""Texts that never reached Twilio (a worker killed mid-send, a broker restart) are not left hanging."""

from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone

from response_platform.sms import services
from response_platform.sms.models import SmsMessage, SmsStatus
from response_platform.sms.tasks import send_sms, sweep_unsent
from tests.personas import open_case
from tests.sms.twilio_fake import send_link
from video import services as video_services
from video.models import EventKind

pytestmark = pytest.mark.django_db

LATER = timedelta(minutes=11)


def link_never_sent(by):
    """The link's task was lost with the broker: the text is still waiting."""
    session = video_services.start_session(open_case(by), by=by)
    with TestCase.captureOnCommitCallbacks(execute=False):
        link = video_services.send_join_link(session, by=by)
    return session, link


def test_a_text_lost_with_the_broker_is_failed_and_the_specialist_told(people):
    session, link = link_never_sent(people.alice)

    with TestCase.captureOnCommitCallbacks(execute=True):
        failed = services.fail_stalled(now=timezone.now() + LATER)

    assert failed == 1
    sms = SmsMessage.objects.get(pk=link.sms_id)
    assert sms.status == SmsStatus.FAILED
    assert sms.body == ""
    [event] = session.events.filter(kind=EventKind.SMS_FAILED)
    assert event.detail == "The text was never handed to the network. Send the link again."


def test_a_text_stuck_mid_send_is_failed_but_never_resent(people, twilio):
    session, link = link_never_sent(people.alice)
    services.claim_for_sending(link.sms_id)  # the worker died right after claiming it

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.fail_stalled(now=timezone.now() + LATER)
        send_sms.delay(link.sms_id)  # the broker redelivers the dead worker's task

    assert twilio.sends == []
    assert SmsMessage.objects.get(pk=link.sms_id).status == SmsStatus.FAILED
    assert session.events.filter(kind=EventKind.SMS_FAILED).count() == 1


def test_a_text_still_within_its_retries_is_left_alone(people):
    _, link = link_never_sent(people.alice)

    assert sweep_unsent.delay().get() == {"requeued": 0, "failed": 0}
    assert SmsMessage.objects.get(pk=link.sms_id).status == SmsStatus.PENDING


def test_a_text_twilio_already_has_is_left_for_twilio_to_report(people, twilio):
    twilio.accepts()
    sent = send_link(people.alice)

    assert services.fail_stalled(now=timezone.now() + LATER) == 0
    assert SmsMessage.objects.get(pk=sent.sms.pk).status == SmsStatus.QUEUED


def test_a_text_whose_task_was_lost_is_sent_again_exactly_once(people, twilio):
    session, link = link_never_sent(people.alice)
    twilio.accepts()
    two_minutes_on = timezone.now() + timedelta(minutes=2)

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.requeue_lost(now=two_minutes_on) == 1
        assert services.requeue_lost(now=two_minutes_on) == 0  # the next sweep finds it handed over
        send_sms.delay(link.sms_id)  # the lost task turns up after all

    assert len(twilio.sends) == 1
    assert SmsMessage.objects.get(pk=link.sms_id).status == SmsStatus.QUEUED
    assert session.events.filter(kind=EventKind.SMS_FAILED).count() == 0
