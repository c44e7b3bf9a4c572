"""Turn SMS status changes into session-record entries the specialist sees live."""

from django.dispatch import receiver

from response_platform.sms.models import SmsStatus
from response_platform.sms.signals import sms_status_changed
from video.events import record_event
from video.models import EventKind, JoinLink

EVENT_FOR_STATUS = {
    SmsStatus.SENT: EventKind.SMS_SENT,
    SmsStatus.DELIVERED: EventKind.SMS_DELIVERED,
    SmsStatus.UNDELIVERED: EventKind.SMS_FAILED,
    SmsStatus.FAILED: EventKind.SMS_FAILED,
}


@receiver(sms_status_changed)
def record_sms_status(sender, message, previous, **kwargs):
    kind = EVENT_FOR_STATUS.get(message.status)
    if kind is None:
        return
    link = JoinLink.objects.select_related("session__case").filter(sms_id=message.pk).first()
    if link is None:
        return
    detail = message.error_message or (f"error {message.error_code}" if message.error_code else "")
    record_event(case=link.session.case, session=link.session, kind=kind, detail=detail)
