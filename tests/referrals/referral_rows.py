"""Referrals made directly as rows, so notice and escalation tests need no other part of the referral flow."""

from datetime import timedelta

from django.utils import timezone

from referrals.models import Referral, ReferralStatus
from tests.personas import open_case

INCIDENT_REFERENCE = "INC-70417-NS"
DASH_NOTE = "He said he would burn the house down with us inside"


def a_referral(people, service=None, *, sla_hours: int = 24, sent_hours_ago: float = 0, case=None, **fields):
    """A referral sent `sent_hours_ago`, due for acknowledgement `sla_hours` after that."""
    case = case or open_case(people.alice, reference=INCIDENT_REFERENCE)
    sent_at = timezone.now() - timedelta(hours=sent_hours_ago)
    referral = Referral.objects.create(
        case=case,
        service=service or people.service_a,
        status=fields.pop("status", ReferralStatus.SENT),
        shared_data=fields.pop("shared_data", {}),
        created_by=people.alice,
        sla_due_at=sent_at + timedelta(hours=sla_hours),
        **fields,
    )
    # created_at is set on insert; move it to when the referral was "sent".
    Referral.objects.filter(pk=referral.pk).update(created_at=sent_at)
    referral.refresh_from_db()
    return referral
