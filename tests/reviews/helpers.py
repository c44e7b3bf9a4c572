"""Incidents, reviews and teams for the reviews tests."""

from datetime import timedelta

from django.utils import timezone

from response_platform.accounts.models import Role
from reviews import services
from reviews.models import IncidentLog, MissedOpportunity, Outcome, Review, Team, TeamMembership
from reviews.questions import Answer
from tests.personas import make_user

NOTES = "Caller whispered; said he had taken her phone before."


def log(by, reference: str = "INC-7001", *, hours_ago: float = 2, training: bool = False, **fields) -> IncidentLog:
    return services.log_incident(
        by=by,
        incident_reference=reference,
        handled_at=timezone.now() - timedelta(hours=hours_ago),
        decision=fields.pop("decision", "advice_given"),
        risk_answers=fields.pop("risk_answers", {"injured": Answer.NO, "children": Answer.YES}),
        notes=fields.pop("notes", NOTES),
        is_training=training,
    )


def missed(*labels: str) -> list[MissedOpportunity]:
    return list(MissedOpportunity.objects.filter(force__isnull=True, label__in=labels).order_by("order"))


def review(
    incident,
    by,
    *labels: str,
    outcome: str = Outcome.LEARNING_POINTS,
    feedback: str = "Ask about children.",
    hours_after: float | None = None,
) -> Review:
    made = services.review_incident(incident, by=by, outcome=outcome, feedback=feedback, missed=missed(*labels))
    if hours_after is not None:
        Review.objects.filter(pk=made.pk).update(reviewed_at=incident.handled_at + timedelta(hours=hours_after))
    return made


def team(force, name: str, *members) -> Team:
    made = Team.objects.create(force=force, name=name)
    for user in members:
        TeamMembership.objects.create(user=user, team=made)
    return made


def call_handler(username: str, force):
    return make_user(username, force, Role.CALL_HANDLER)
