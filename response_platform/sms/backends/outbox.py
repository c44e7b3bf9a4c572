"""Development backend: messages land in a table shown at /dev/outbox/."""

import secrets

from response_platform.sms.backends.base import SendResult, SmsBackend
from response_platform.sms.models import OutboxMessage, SmsStatus


class OutboxBackend(SmsBackend):
    def send(self, *, to: str, body: str, status_callback: str) -> SendResult:
        sid = "OB" + secrets.token_hex(16)
        OutboxMessage.objects.create(to=to, body=body, sid=sid)
        return SendResult(sid=sid, status=SmsStatus.DELIVERED)
