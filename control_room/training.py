"""Training cases: their texts never leave the building.

The SMS service sends a training case's texts with the dev outbox backend whatever
SMS_BACKEND says (response_platform/sms/services.py asks `is_training_sms`), so in
production the colleague playing the caller reads the link here instead of on a phone.
"""

from django.db.models import Q

from response_platform.sms.models import OutboxMessage, SmsMessage


def is_training_sms(message_id: int) -> bool:
    """Whether the text belongs to a training case: a join link's or a follow-up's."""
    of_training_case = Q(join_link__session__case__is_training=True) | Q(follow_up__case__is_training=True)
    return SmsMessage.objects.filter(of_training_case, pk=message_id).exists()


def sent_text(session) -> str:
    """The latest text of a training session as the outbox holds it ("" when none was sent yet)."""
    if not session.case.is_training:
        return ""
    link = session.links.select_related("sms").exclude(sms=None).order_by("-created_at", "-pk").first()
    if link is None or not link.sms.provider_sid:
        return ""
    return OutboxMessage.objects.filter(sid=link.sms.provider_sid).values_list("body", flat=True).first() or ""
