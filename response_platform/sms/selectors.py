"""Who may read which replies. Every page and badge reads replies through here."""

from datetime import timedelta

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from response_platform.accounts.permissions import can_read_replies, can_see_unmatched_replies
from response_platform.sms.models import InboundSms

# How far back the count of replies from unknown numbers looks.
UNMATCHED_WINDOW = timedelta(days=7)


def replies_for(user) -> QuerySet[InboundSms]:
    """Replies on the user's own force's cases, for those who may contact victims."""
    if not can_read_replies(user):
        return InboundSms.objects.none()
    return InboundSms.objects.filter(case__force_id=user.force_id)


def unread_replies_for(user) -> QuerySet[InboundSms]:
    return replies_for(user).filter(read_at__isnull=True)


def unread_reply_count_for(user) -> int:
    """For a badge in the navigation: replies nobody in the force has marked read yet."""
    return unread_replies_for(user).count()


def get_reply_for(user, reply_id: int) -> InboundSms:
    return get_object_or_404(replies_for(user).select_related("case"), pk=reply_id)


def unmatched_reply_count_for(user, now=None) -> int | None:
    """Replies from numbers no force has a case for, counted for force admins only (None for
    anyone else). Their words belong to no force, so no one is shown them."""
    if not can_see_unmatched_replies(user):
        return None
    since = (now or timezone.now()) - UNMATCHED_WINDOW
    return InboundSms.objects.filter(case__isnull=True, received_at__gte=since).count()
