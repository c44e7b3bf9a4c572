"""What is still to do on a case after a call: one rule, used by the case panel and the dashboard.

Each item is an `Exists` over the real records (no flag to keep in step), so the
dashboard can compute it for every row in its one query.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from control_room.models import ChecklistDecision, ChecklistItem
from followups.models import Appointment, FollowUp, FollowUpStatus
from referrals.models import Referral, RiskAssessment
from video.models import ConsentDecision, ConsentRecord, ConsentScope


def annotations(case_ref: OuterRef) -> dict:
    """Boolean annotations for the case `case_ref` points at."""

    def decided(item: str) -> Exists:
        return Exists(ChecklistDecision.objects.filter(case_id=case_ref, item=item))

    follow_up_refused = ConsentRecord.objects.filter(
        case_id=case_ref, scope=ConsentScope.FOLLOW_UP_CONTACT, decision=ConsentDecision.REFUSED
    )
    return {
        "has_risk": Exists(RiskAssessment.objects.filter(case_id=case_ref)),
        "has_referral": Exists(Referral.objects.filter(case_id=case_ref)),
        "no_referral_needed": decided(ChecklistItem.REFERRALS),
        "has_follow_up": Exists(FollowUp.objects.filter(case_id=case_ref).exclude(status=FollowUpStatus.CANCELLED))
        | Exists(Appointment.objects.filter(case_id=case_ref)),
        # The caller said no to being contacted again: nothing to schedule.
        "no_follow_up": decided(ChecklistItem.FOLLOW_UPS) | Exists(follow_up_refused),
    }


def open_items_q() -> Q:
    """Rows (annotated with `annotations`) with anything left to do."""
    return (
        Q(has_risk=False) | Q(has_referral=False, no_referral_needed=False) | Q(has_follow_up=False, no_follow_up=False)
    )


@dataclass(frozen=True)
class Checklist:
    risk_done: bool
    referrals_done: bool
    referrals_decided_none: bool
    follow_ups_done: bool
    follow_ups_declined: bool

    @property
    def referrals_settled(self) -> bool:
        return self.referrals_done or self.referrals_decided_none

    @property
    def follow_ups_settled(self) -> bool:
        return self.follow_ups_done or self.follow_ups_declined

    @property
    def complete(self) -> bool:
        return self.risk_done and self.referrals_settled and self.follow_ups_settled


def from_row(row) -> Checklist:
    return Checklist(
        risk_done=row.has_risk,
        referrals_done=row.has_referral,
        referrals_decided_none=row.no_referral_needed,
        follow_ups_done=row.has_follow_up,
        follow_ups_declined=row.no_follow_up,
    )


def for_case(case) -> Checklist:
    """One query."""
    row = type(case).objects.filter(pk=case.pk).annotate(**annotations(OuterRef("pk"))).get()
    return from_row(row)
