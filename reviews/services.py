"""Logging an incident, reviewing it, and the call handler acknowledging the feedback."""

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from response_platform.accounts.permissions import can_review_incident, logs_incidents
from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record
from response_platform.cases.models import Case
from reviews.models import IncidentLog, MissedOpportunity, Review
from reviews.questions import QUESTION_KEYS, Answer


def log_incident(
    *,
    by,
    incident_reference: str,
    handled_at: datetime,
    decision: str,
    risk_answers: Mapping[str, str],
    notes: str = "",
    is_training: bool = False,
) -> IncidentLog:
    """A call handler logs an incident they handled, in their own force.

    It is linked to the force's case with the same incident reference when one exists; an
    incident whose case is a training case counts as training whatever the form said."""
    if not logs_incidents(by):
        raise PermissionDenied
    case = Case.objects.filter(force_id=by.force_id, incident_reference=incident_reference).order_by("-created_at")
    linked = case.first()
    with transaction.atomic():
        incident = IncidentLog.objects.create(
            force_id=by.force_id,
            call_handler=by,
            incident_reference=incident_reference,
            handled_at=handled_at,
            decision=decision,
            risk_answers=_clean_answers(risk_answers),
            notes=notes,
            case=linked,
            is_training=is_training or bool(getattr(linked, "is_training", False)),
        )
        record(AuditAction.COLLECTION, incident, actor=by, detail="incident logged by its call handler")
    return incident


def _clean_answers(answers: Mapping[str, str]) -> dict[str, str]:
    """Only the known questions and answers are stored; anything unasked is "not asked"."""
    allowed = set(Answer.values)
    cleaned = {}
    for key in QUESTION_KEYS:
        value = str(answers.get(key, ""))
        cleaned[key] = value if value in allowed else Answer.NOT_ASKED.value
    return cleaned


def review_incident(
    incident: IncidentLog,
    *,
    by,
    outcome: str,
    feedback: str,
    missed: Iterable[MissedOpportunity],
) -> Review:
    """Record (or correct) the review of `incident`. A corrected review must be read again,
    so its acknowledgement is cleared."""
    if not can_review_incident(by, incident):
        raise PermissionDenied
    missed = list(missed)
    offered = set(MissedOpportunity.offered_to(incident.force_id).values_list("pk", flat=True))
    kept = set(Review.objects.filter(incident=incident).values_list("missed_opportunities", flat=True))
    if any(item.pk not in offered | kept for item in missed):
        raise ValidationError("A missed opportunity that is not on this force's list.")
    with transaction.atomic():
        review, created = Review.objects.update_or_create(
            incident=incident,
            defaults={
                "reviewer": by,
                "outcome": outcome,
                "feedback": feedback,
                "reviewed_at": timezone.now(),
                "acknowledged_at": None,
            },
        )
        review.missed_opportunities.set(missed)
        detail = "incident reviewed" if created else "review corrected"
        record(AuditAction.ALTERATION, incident, actor=by, detail=detail)
    return review


def acknowledge(incident: IncidentLog, *, by) -> bool:
    """The call handler confirms reading the feedback on their own incident. False if there is
    nothing to acknowledge (no review yet, or already acknowledged)."""
    if incident.call_handler_id != by.pk:
        raise PermissionDenied
    with transaction.atomic():
        changed = Review.objects.filter(incident=incident, acknowledged_at__isnull=True).update(
            acknowledged_at=timezone.now()
        )
        if changed:
            record(AuditAction.ALTERATION, incident, actor=by, detail="review feedback acknowledged")
    return bool(changed)
