"""Twilio Messages API backend."""

import requests
from django.conf import settings
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from response_platform.sms.backends.base import SendResult, SmsBackend, SmsError

# Twilio error codes that no retry can fix: the number itself is the problem.
# https://www.twilio.com/docs/api/errors
PERMANENT_ERROR_CODES = {
    21211,  # invalid 'To' number
    21408,  # no permission to send to this region
    21610,  # recipient replied STOP
    21612,  # cannot route to this number
    21614,  # 'To' is not a mobile number
    30003,  # unreachable handset
    30004,  # message blocked
    30005,  # unknown destination handset
    30006,  # landline or unreachable carrier
}


class TwilioBackend(SmsBackend):
    def __init__(self):
        # TwilioHttpClient mounts a requests adapter with no retries of its own, so
        # every retry is the task's decision and is counted on the message.
        self.client = Client(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            http_client=TwilioHttpClient(timeout=settings.TWILIO_HTTP_TIMEOUT),
        )

    def send(self, *, to: str, body: str, status_callback: str) -> SendResult:
        sender = (
            {"messaging_service_sid": settings.TWILIO_MESSAGING_SERVICE_SID}
            if settings.TWILIO_MESSAGING_SERVICE_SID
            else {"from_": settings.TWILIO_FROM_NUMBER}
        )
        try:
            message = self.client.messages.create(to=to, body=body, status_callback=status_callback, **sender)
        # twilio 9 raises TwilioServiceException, not TwilioRestException, when the API
        # answers with an RFC 9457 problem document (twilio/base/version.py).
        except (TwilioRestException, TwilioServiceException) as exc:
            raise _classify(exc) from None
        except requests.RequestException as exc:
            # Timeouts and dropped connections: the network, not the message. A read
            # timeout may hide a send that worked; a duplicate text beats a missing one.
            raise SmsError(f"Could not reach the text service ({type(exc).__name__}).", permanent=False) from None
        return SendResult(sid=message.sid, status=message.status or "queued")


# Twilio's own message text can repeat the phone number, so the specialist sees
# these instead and nothing personal is stored with the error.
EXPLANATIONS = {
    21211: "The number is not a valid phone number.",
    21408: "Texts to this country are not enabled.",
    21610: "The person has replied STOP to our texts, so no more can be sent.",
    21612: "The network cannot deliver texts to this number.",
    21614: "The number cannot receive texts (it may be a landline).",
    30003: "The phone is switched off or out of reach.",
    30004: "The message was blocked by the network or the phone.",
    30005: "The number is not in use.",
    30006: "The number is a landline or its network cannot take texts.",
}


def explain(code: str | int | None, *, http_status: int | None = None) -> str:
    """Words for the specialist about a Twilio error code, with nothing personal in them."""
    number = _as_int(code)
    if number in EXPLANATIONS:
        return EXPLANATIONS[number]
    if http_status == 429:
        return "The text service is busy (HTTP 429)."
    if http_status and http_status >= 500:
        return f"The text service had a fault (HTTP {http_status})."
    if http_status:
        return f"The text service refused the message (HTTP {http_status})."
    return f"The network reported error {number}." if number else "The network reported an error."


def _classify(exc: TwilioRestException | TwilioServiceException) -> SmsError:
    code = _as_int(exc.code)
    status = _as_int(exc.status)
    # 429 and 5xx are Twilio's problem and pass; other 4xx will fail the same way again.
    permanent = code in PERMANENT_ERROR_CODES or (400 <= status < 500 and status != 429)
    return SmsError(explain(code, http_status=status), permanent=permanent, code=str(code or status))


def _as_int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
