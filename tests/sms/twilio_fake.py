"""Twilio's HTTP API, faked at the HTTP layer so the real `twilio` client runs."""

import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs

import responses
from django.conf import settings
from django.test import TestCase

from response_platform.sms.models import SmsMessage
from response_platform.sms.tasks import send_sms
from tests.personas import open_case
from tests.workers import run_like_a_worker
from video import services
from video.models import EventKind, JoinLink, VideoSession

TWILIO_BACKEND = "response_platform.sms.backends.twilio.TwilioBackend"


def messages_url() -> str:
    return f"https://api.twilio.com/2010-04-01/Accounts/{settings.TWILIO_ACCOUNT_SID}/Messages.json"


def new_sid() -> str:
    return "SM" + secrets.token_hex(16)


@dataclass
class TwilioApi:
    """Scripted answers from Twilio's Messages endpoint, given in the order they happen."""

    mock: responses.RequestsMock

    def accepts(self, sid: str = "", status: str = "queued") -> str:
        sid = sid or new_sid()
        self.mock.add(responses.POST, messages_url(), status=201, json=_message_resource(sid, status))
        return sid

    def refuses(self, code: int, *, status: int = 400, message: str = "") -> None:
        # Twilio's own text quotes the number; the app must not keep it.
        body = {"code": code, "message": message or "The 'To' number +447700900123 is not a valid phone number."}
        self.mock.add(responses.POST, messages_url(), status=status, json=body | {"status": status})

    def fails(self, status: int = 500) -> None:
        self.mock.add(responses.POST, messages_url(), status=status, body="<html>Internal Server Error</html>")

    def raises(self, error: Exception) -> None:
        """A network failure such as requests.ConnectTimeout, raised inside `requests`."""
        self.mock.add(responses.POST, messages_url(), body=error)

    def answers(self, **kwargs) -> None:
        self.mock.add(responses.POST, messages_url(), **kwargs)

    @property
    def sends(self) -> list:
        return [call for call in self.mock.calls if call.request.url == messages_url()]

    def form(self, index: int = -1) -> dict[str, str]:
        fields = parse_qs(self.sends[index].request.body)
        return {name: values[0] for name, values in fields.items()}


def _message_resource(sid: str, status: str) -> dict:
    return {
        "sid": sid,
        "account_sid": settings.TWILIO_ACCOUNT_SID,
        "status": status,
        "direction": "outbound-api",
        "num_segments": "1",
        "date_created": "Thu, 19 Nov 2026 21:15:00 +0000",
        "uri": f"/2010-04-01/Accounts/{settings.TWILIO_ACCOUNT_SID}/Messages/{sid}.json",
    }


@dataclass
class Sent:
    session: VideoSession
    link: JoinLink
    sms: SmsMessage
    waits: list[float]  # seconds the task asked Celery to wait before each retry

    def failure_details(self) -> list[str]:
        return list(self.session.events.filter(kind=EventKind.SMS_FAILED).values_list("detail", flat=True))


def send_link(by, **case_kwargs) -> Sent:
    """A specialist texts the caller a join link, and the send task runs as a worker would."""
    case = open_case(by, **case_kwargs)
    session = services.start_session(case, by=by)
    # Not run on commit (eager .delay would stop at the first Retry); the worker below runs it.
    with TestCase.captureOnCommitCallbacks(execute=False):
        link = services.send_join_link(session, by=by)
    with TestCase.captureOnCommitCallbacks(execute=True):
        waits = run_like_a_worker(send_sms, link.sms_id)
    return Sent(session=session, link=link, sms=SmsMessage.objects.get(pk=link.sms_id), waits=waits)
