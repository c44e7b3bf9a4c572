"""Reads of incident logs and reviews: who may reach which, with what they need prefetched.

Another force's incident, or another call handler's, looks like no incident at all (404).
"""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from response_platform.accounts.permissions import can_log_incidents, can_review_incidents
from reviews.models import IncidentLog, MissedOpportunity, Team

QUEUE_LIMIT = 200


def own_incidents(user) -> QuerySet[IncidentLog]:
    """A call handler's own incidents, newest first, each with its review and the opportunities it names."""
    if not can_log_incidents(user):
        return IncidentLog.objects.none()
    missed = Prefetch("review__missed_opportunities", queryset=MissedOpportunity.objects.order_by("order", "label"))
    return (
        IncidentLog.objects.filter(call_handler=user)
        .defer("notes", "risk_answers")
        .select_related("review", "review__reviewer")
        .prefetch_related(missed)
        .order_by("-handled_at", "-pk")
    )


def get_own_incident(user, incident_id: int) -> IncidentLog:
    return get_object_or_404(own_incidents(user), pk=incident_id)


def force_incidents(user) -> QuerySet[IncidentLog]:
    """Every incident of the reviewer's force."""
    if not can_review_incidents(user):
        return IncidentLog.objects.none()
    return IncidentLog.objects.filter(force_id=user.force_id)


def review_queue(user, team_id: int | None = None) -> QuerySet[IncidentLog]:
    """Unreviewed incidents of the reviewer's force, oldest first, with each call handler and team.

    One query however long the queue: the handler and their team are joined, not fetched per row."""
    incidents = force_incidents(user).filter(review__isnull=True)
    if team_id is not None:
        incidents = incidents.filter(call_handler__team_membership__team_id=team_id)
    # The list shows no notes or answers: they stay encrypted, undecrypted, in the database.
    return (
        incidents.select_related("call_handler", "call_handler__team_membership__team")
        .defer("notes", "risk_answers")
        .order_by("handled_at", "pk")
    )


def queue_size(user) -> int:
    return review_queue(user).count()


def get_incident_to_review(user, incident_id: int) -> IncidentLog:
    incidents = force_incidents(user).select_related(
        "call_handler", "call_handler__team_membership__team", "case", "review"
    )
    return get_object_or_404(incidents, pk=incident_id)


def teams_of(user) -> QuerySet[Team]:
    return Team.objects.filter(force_id=user.force_id).order_by("name")


def unacknowledged_feedback_count(user) -> int:
    """Reviews of the call handler's incidents they have not yet confirmed reading."""
    if not can_log_incidents(user):
        return 0
    return IncidentLog.objects.filter(
        call_handler=user, review__isnull=False, review__acknowledged_at__isnull=True
    ).count()
