"""Twilio's delivery reports, signed the way Twilio signs them, against the public URL."""

import asyncio
from urllib.parse import urlencode

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.http import QueryDict
from django.test import Client
from twilio.request_validator import RequestValidator

from response_platform.sms import services
from response_platform.sms.models import SmsMessage, SmsStatus
from tests.personas import VICTIM_MOBILE
from tests.sms.twilio_fake import send_link
from video.live import staff_group
from video.models import EventKind

pytestmark = pytest.mark.django_db

PATH = "/webhooks/twilio/sms-status/"


def report(sid: str, status: str, **extra: str) -> dict[str, str]:
    """The form Twilio posts to the StatusCallback (it carries the recipient's number)."""
    return {
        "AccountSid": settings.TWILIO_ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "From": settings.TWILIO_FROM_NUMBER,
        "MessageSid": sid,
        "MessageStatus": status,
        "SmsSid": sid,
        "SmsStatus": status,
        "To": VICTIM_MOBILE,
        **extra,
    }


def signature(params: dict[str, str], url: str = "") -> str:
    url = url or settings.PUBLIC_BASE_URL + PATH
    return RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(url, params)


def post(params: dict[str, str], sig: str | None = None):
    headers = {} if sig is None else {"X-Twilio-Signature": sig}
    return Client().post(PATH, urlencode(params), content_type="application/x-www-form-urlencoded", headers=headers)


def post_signed(params: dict[str, str]):
    return post(params, signature(params))


@pytest.fixture
def sent(people, twilio):
    """Alice's link, accepted by Twilio and waiting for delivery reports."""
    twilio.accepts(sid="SM" + "1" * 32, status="queued")
    return send_link(people.alice)


def sms_kinds(session) -> list[str]:
    return list(
        session.events.filter(kind__startswith="sms_").exclude(kind=EventKind.SMS_QUEUED).values_list("kind", flat=True)
    )


def status_of(sent) -> str:
    return SmsMessage.objects.get(pk=sent.sms.pk).status


def test_a_signed_report_moves_the_text_forward_and_lands_on_the_timeline(sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_signed(report(sent.sms.provider_sid, "sent"))

    assert response.status_code == 204
    assert status_of(sent) == SmsStatus.SENT
    assert sms_kinds(sent.session) == [EventKind.SMS_SENT]


def test_a_forged_signature_is_refused_and_changes_nothing(sent, django_capture_on_commit_callbacks):
    params = report(sent.sms.provider_sid, "delivered")
    forged = RequestValidator("not-our-auth-token").compute_signature(settings.PUBLIC_BASE_URL + PATH, params)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(params, forged)

    assert response.status_code == 403
    assert status_of(sent) == SmsStatus.QUEUED
    assert sms_kinds(sent.session) == []


def test_a_report_altered_after_signing_is_refused(sent, django_capture_on_commit_callbacks):
    sig = signature(report(sent.sms.provider_sid, "failed", ErrorCode="30003"))
    with django_capture_on_commit_callbacks(execute=True):
        response = post(report(sent.sms.provider_sid, "delivered"), sig)

    assert response.status_code == 403
    assert status_of(sent) == SmsStatus.QUEUED


def test_an_unsigned_report_is_refused(sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(report(sent.sms.provider_sid, "delivered"))

    assert response.status_code == 403
    assert status_of(sent) == SmsStatus.QUEUED
    assert sms_kinds(sent.session) == []


def test_a_signature_for_the_servers_own_address_is_refused(sent, django_capture_on_commit_callbacks):
    # Behind the TLS proxy Twilio signs the public URL; a signature over the address the
    # request arrived at (http://testserver/...) is not one Twilio could have made.
    params = report(sent.sms.provider_sid, "delivered")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(params, signature(params, url="http://testserver" + PATH))

    assert response.status_code == 403
    assert status_of(sent) == SmsStatus.QUEUED


def test_a_replayed_report_is_acknowledged_but_recorded_once(sent, django_capture_on_commit_callbacks):
    params = report(sent.sms.provider_sid, "delivered")
    with django_capture_on_commit_callbacks(execute=True):
        first = post_signed(params)
    with django_capture_on_commit_callbacks(execute=True):
        replay = post_signed(params)

    assert (first.status_code, replay.status_code) == (204, 204)
    assert status_of(sent) == SmsStatus.DELIVERED
    assert sms_kinds(sent.session) == [EventKind.SMS_DELIVERED]


def test_a_late_sent_report_does_not_undo_delivered(sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(report(sent.sms.provider_sid, "delivered"))
    with django_capture_on_commit_callbacks(execute=True):
        late = post_signed(report(sent.sms.provider_sid, "sent"))

    assert late.status_code == 204
    assert status_of(sent) == SmsStatus.DELIVERED
    assert sms_kinds(sent.session) == [EventKind.SMS_DELIVERED]


def test_a_failure_report_tells_the_specialist_why_without_personal_data(sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_signed(report(sent.sms.provider_sid, "undelivered", ErrorCode="30003"))

    message = SmsMessage.objects.get(pk=sent.sms.pk)
    assert message.status == SmsStatus.UNDELIVERED
    assert message.error_code == "30003"
    assert message.error_message == "The phone is switched off or out of reach."
    [event] = sent.session.events.filter(kind=EventKind.SMS_FAILED)
    assert event.detail == "The phone is switched off or out of reach."


def test_a_report_with_a_repeated_field_is_still_recognised(sent, django_capture_on_commit_callbacks):
    # Twilio signs every value of a repeated field, so the check must read them all.
    params = QueryDict(mutable=True)
    params.update(report(sent.sms.provider_sid, "delivered"))
    params.setlist("Tag", ["a", "b"])
    sig = RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(settings.PUBLIC_BASE_URL + PATH, params)
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            PATH,
            params.urlencode(),
            content_type="application/x-www-form-urlencoded",
            headers={"X-Twilio-Signature": sig},
        )

    assert response.status_code == 204
    assert status_of(sent) == SmsStatus.DELIVERED


def test_a_report_for_a_text_we_never_sent_is_acknowledged_and_ignored(sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_signed(report("SM" + "9" * 32, "delivered"))

    assert response.status_code == 204
    assert status_of(sent) == SmsStatus.QUEUED


def test_a_report_without_a_message_sid_cannot_touch_a_text_still_waiting_to_go(people):
    # A text not yet handed over has no provider sid; an empty MessageSid must not match it.
    waiting = services.queue_sms(to=VICTIM_MOBILE, body="Here is the link: https://x.test/j/abc", record_body="[link]")

    response = post_signed(report("", "delivered"))

    assert response.status_code == 204
    assert SmsMessage.objects.get(pk=waiting.pk).status == SmsStatus.PENDING


def test_the_webhook_only_takes_posts(db):
    assert Client().get(PATH).status_code == 405


async def _receive(layer, channel: str) -> dict:
    # A bound on a wait, not a timing assertion: the push is made before this is awaited.
    return await asyncio.wait_for(layer.receive(channel), timeout=10)


def test_each_change_is_pushed_live_to_the_specialists_page(sent, django_capture_on_commit_callbacks):
    layer = get_channel_layer()
    group = staff_group(sent.session.pk)
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            post_signed(report(sent.sms.provider_sid, "sent"))
        first = async_to_sync(_receive)(layer, channel)
        with django_capture_on_commit_callbacks(execute=True):
            post_signed(report(sent.sms.provider_sid, "delivered"))
        second = async_to_sync(_receive)(layer, channel)
    finally:
        async_to_sync(layer.group_discard)(group, channel)

    assert first["type"] == second["type"] == "timeline.event"
    assert first["event"]["kind"] == EventKind.SMS_SENT
    assert second["event"]["kind"] == EventKind.SMS_DELIVERED
    assert second["event"]["label"] == "Text message delivered"
    assert VICTIM_MOBILE not in str(first) + str(second)
