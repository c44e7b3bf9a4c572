"""Signed delivery reports whose fields are not Twilio's: ignored, never a 500.

Found by tests/fuzz/test_webhook_fuzz.py on PostgreSQL, which refuses a NUL byte in
any query parameter, and whose varchar(16) refuses a longer error code.
"""

import pytest

from response_platform.sms.models import SmsMessage, SmsStatus
from tests.personas import VICTIM_MOBILE
from tests.sms.webhooks import STATUS, post_signed

pytestmark = pytest.mark.django_db

SID = "SM" + "2" * 32


@pytest.fixture
def message():
    message = SmsMessage.objects.create(to=VICTIM_MOBILE, body="", record_body="Link", provider_sid=SID)
    SmsMessage.objects.filter(pk=message.pk).update(status=SmsStatus.SENT)
    return message


@pytest.mark.parametrize("sid", ["SM\x00", SID + "\x00", "SM 1", "x" * 200, ""])
def test_it_ignores_a_report_whose_sid_is_not_twilios(message, sid):
    response = post_signed(STATUS, {"MessageSid": sid, "MessageStatus": "delivered"})
    assert response.status_code == 204
    assert SmsMessage.objects.get(pk=message.pk).status == SmsStatus.SENT


@pytest.mark.parametrize("code", ["3000\x006", "9" * 17, "<b>30006</b>", "٣٠٠٠٦"])
def test_it_keeps_the_status_but_not_an_error_code_that_is_not_twilios(message, code):
    response = post_signed(STATUS, {"MessageSid": SID, "MessageStatus": "undelivered", "ErrorCode": code})
    assert response.status_code == 204
    message.refresh_from_db()
    assert message.status == SmsStatus.UNDELIVERED
    assert (message.error_code, message.error_message) == ("", "")
