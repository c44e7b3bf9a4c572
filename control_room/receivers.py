"""Texts changing status move the dashboard's "link sent" rows."""

import logging

from django.dispatch import receiver

from control_room.live import session_changed
from response_platform.sms.signals import sms_status_changed
from video.models import JoinLink

log = logging.getLogger(__name__)


@receiver(sms_status_changed)
def sms_status_moves_the_dashboard(sender, message, previous, **kwargs):
    try:
        session_id = JoinLink.objects.filter(sms_id=message.pk).values_list("session_id", flat=True).first()
    except Exception as exc:  # the status is already recorded; the dashboard's own refresh catches up
        log.warning("dashboard push skipped: %s", type(exc).__name__)
        return
    if session_id is not None:
        session_changed(session_id)
