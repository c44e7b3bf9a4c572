"""Permission-scoped reads of referrals: a force's staff see their cases', a support worker their service's."""

from django.db.models import BooleanField, Case, F, IntegerField, Prefetch, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from referrals.models import Referral, ReferralMessage, ReferralStatus
from response_platform.accounts.permissions import can_view_cases, is_support_worker

ACTIVE = (ReferralStatus.ACKNOWLEDGED, ReferralStatus.ACCEPTED, ReferralStatus.CONTACTED)
INBOX_LIMIT = 200


def with_sla(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Mark referrals still waiting for acknowledgement after their SLA (`is_overdue`)."""
    overdue = When(status=ReferralStatus.SENT, sla_due_at__lt=timezone.now(), then=Value(True))
    return referrals.annotate(is_overdue=Case(overdue, default=Value(False), output_field=BooleanField()))


def referrals_for_staff(user) -> QuerySet[Referral]:
    if not can_view_cases(user):
        return Referral.objects.none()
    return Referral.objects.filter(case__force_id=user.force_id)


def referrals_for_case(user, case) -> QuerySet[Referral]:
    """The case panel's list: everything it shows in a fixed number of queries."""
    return _with_record(referrals_for_staff(user).filter(case=case))


def get_referral_for_staff(user, case, referral_id) -> Referral:
    return get_object_or_404(referrals_for_case(user, case), pk=referral_id)


def _with_record(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """With the service, the timeline and the message thread, prefetched."""
    messages = ReferralMessage.objects.select_related("author", "author__support_service")
    return with_sla(
        referrals.select_related("service", "created_by").prefetch_related(
            "events__actor", Prefetch("messages", queryset=messages)
        )
    )


def referrals_for_worker(user) -> QuerySet[Referral]:
    """A support worker's own service's referrals, and nobody else's."""
    if not is_support_worker(user):
        return Referral.objects.none()
    return Referral.objects.filter(service_id=user.support_service_id)


def inbox_for(user) -> list[Referral]:
    """Overdue first, then awaiting acknowledgement by due time, then in progress, then finished.

    One query whatever the number of rows: the force's name is annotated rather
    than the case loaded (a support worker's pages never load the case itself).
    """
    now = timezone.now()
    bucket = Case(
        When(status=ReferralStatus.SENT, sla_due_at__lt=now, then=Value(0)),
        When(status=ReferralStatus.SENT, then=Value(1)),
        When(status__in=ACTIVE, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    rows = (
        with_sla(referrals_for_worker(user))
        .annotate(bucket=bucket, force_name=F("case__force__name"))
        .defer("without_consent_reason", "decline_reason")
        .order_by("bucket", "sla_due_at", "-created_at")
    )
    return list(rows[:INBOX_LIMIT])


def get_referral_for_worker(user, referral_id) -> Referral:
    """Another service's referral is a 404, exactly like one that does not exist."""
    referrals = _with_record(referrals_for_worker(user)).annotate(force_name=F("case__force__name"))
    return get_object_or_404(referrals.select_related("consent"), pk=referral_id)
