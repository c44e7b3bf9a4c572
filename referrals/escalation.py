"""Referrals a service has not acknowledged in time go to the force's supervisors:
once at the SLA, again at twice the SLA, each step exactly once."""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from referrals.live import referral_changed
from referrals.models import DeliveryChannel, Referral, ReferralEvent, ReferralEventKind, ReferralStatus
from referrals.notify import SUPERVISOR_EVENT, notify_service, queue_delivery
from response_platform.accounts.models import Role, User
from response_platform.accounts.permissions import can_see_escalations

log = logging.getLogger(__name__)

LAST_LEVEL = 2


def sla_of(referral: Referral) -> timedelta:
    """The referral's own SLA, fixed when it was sent (the service's hours may change later)."""
    return referral.sla_due_at - referral.created_at


def level_due(referral: Referral, now: datetime) -> int:
    if now >= referral.created_at + 2 * sla_of(referral):
        return 2
    return 1 if now >= referral.sla_due_at else 0


def escalate_overdue(now: datetime | None = None) -> int:
    """Escalate every referral whose next step is due. Returns how many steps were taken."""
    now = now or timezone.now()
    overdue = Referral.objects.filter(
        status=ReferralStatus.SENT, acknowledged_at__isnull=True, escalation_level__lt=LAST_LEVEL, sla_due_at__lte=now
    ).select_related("service", "case")
    return sum(escalate(referral, level_due(referral, now), now) for referral in overdue)


def escalate(referral: Referral, level: int, now: datetime) -> bool:
    """Raise the referral to `level` if nobody else has. Beat may overlap itself and two
    workers may run this at once: the conditional UPDATE lets exactly one of them through.

    A referral found overdue by twice its SLA at once (beat was down) goes straight to
    level 2, with one notice rather than two in the same minute.
    """
    if level <= referral.escalation_level:
        return False
    with transaction.atomic():
        won = Referral.objects.filter(
            pk=referral.pk,
            escalation_level=referral.escalation_level,
            status=ReferralStatus.SENT,
            acknowledged_at__isnull=True,
        ).update(escalation_level=level, escalated_at=now, updated_at=now)
        if not won:
            return False
        referral.escalation_level, referral.escalated_at = level, now
        addresses = supervisor_addresses(referral)
        ReferralEvent.objects.create(referral=referral, kind=ReferralEventKind.ESCALATED, note=_note(level, addresses))
        if addresses:
            queue_delivery(
                referral, event=SUPERVISOR_EVENT, channel=DeliveryChannel.EMAIL, recipient=", ".join(addresses)
            )
        # The service is reminded too: its portal shows the referral as overdue.
        notify_service(referral, "referral.overdue")
    log.info("referral %s escalated to level %s", referral.pk, level)
    referral_changed(referral)
    return True


def supervisors_of(force_id: int) -> QuerySet[User]:
    return User.objects.filter(force_id=force_id, role=Role.SUPERVISOR, is_active=True)


def supervisor_addresses(referral: Referral) -> list[str]:
    emails = supervisors_of(referral.case.force_id).exclude(email="").values_list("email", flat=True)
    return sorted(set(emails))


def _note(level: int, addresses: list[str]) -> str:
    when = "at twice its SLA" if level >= 2 else "within its SLA"
    told = "supervisors emailed" if addresses else "no supervisor has an email address; shown in the app only"
    return f"Not acknowledged {when}: {told}."


def escalated_for(user) -> QuerySet[Referral]:
    """The user's force's escalated referrals still waiting for acknowledgement, most overdue first."""
    if not can_see_escalations(user):
        return Referral.objects.none()
    return Referral.objects.filter(
        case__force_id=user.force_id, status=ReferralStatus.SENT, escalation_level__gt=0
    ).order_by("sla_due_at")


def escalation_count_for(user) -> int:
    """For the navigation badge: 0 for anyone who may not see the list."""
    return escalated_for(user).count()
