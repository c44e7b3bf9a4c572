"""Posts to our Twilio webhooks, signed the way Twilio signs them, against the public URL."""

from urllib.parse import urlencode

from django.conf import settings
from django.test import Client
from twilio.request_validator import RequestValidator

from tests.personas import VICTIM_MOBILE
from tests.sms.twilio_fake import new_sid

INBOUND = "/webhooks/twilio/sms-inbound/"
STATUS = "/webhooks/twilio/sms-status/"


def reply(body: str, *, sender: str = VICTIM_MOBILE, sid: str = "", **extra: str) -> dict[str, str]:
    """The form Twilio posts when someone texts our number."""
    sid = sid or new_sid()
    return {
        "AccountSid": settings.TWILIO_ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "Body": body,
        "From": sender,
        "MessageSid": sid,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsMessageSid": sid,
        "SmsSid": sid,
        "SmsStatus": "received",
        "To": settings.TWILIO_FROM_NUMBER,
        **extra,
    }


def signature(path: str, params: dict[str, str], url: str = "") -> str:
    url = url or settings.PUBLIC_BASE_URL + path
    return RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(url, params)


def post(path: str, params: dict[str, str], sig: str | None = None):
    headers = {} if sig is None else {"X-Twilio-Signature": sig}
    return Client().post(path, urlencode(params), content_type="application/x-www-form-urlencoded", headers=headers)


def post_signed(path: str, params: dict[str, str]):
    return post(path, params, signature(path, params))


def send_reply(body: str, **kwargs):
    """The caller texts `body` to our number, and Twilio tells us."""
    return post_signed(INBOUND, reply(body, **kwargs))
