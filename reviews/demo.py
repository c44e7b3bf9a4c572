"""A team, a few logged incidents and one review for the demo call handler, so `make run` shows reviews."""

from datetime import timedelta

from django.utils import timezone

from response_platform.accounts.models import Force, User
from reviews import services
from reviews.models import Decision, IncidentLog, MissedOpportunity, Outcome, Team, TeamMembership
from reviews.questions import Answer

DEMO_INCIDENTS = [
    ("DEMO-2001", 30, Decision.ADVICE_GIVEN, {"injured": Answer.NO, "abuser_present": Answer.NO}),
    ("DEMO-2002", 20, Decision.POLICE_DISPATCHED, {"injured": Answer.YES, "children": Answer.YES}),
    ("DEMO-2003", 6, Decision.REFERRED_TO_SPECIALIST, {"frightened": Answer.YES, "previous": Answer.UNKNOWN}),
]


def seed_reviews(force: Force) -> None:
    """Only once: a demo whose call handler already logged incidents is left alone."""
    handler = User.objects.filter(force=force, username="callhandler").first()
    reviewer = User.objects.filter(force=force, username="specialist").first()
    if handler is None or reviewer is None or IncidentLog.objects.filter(call_handler=handler).exists():
        return
    team, _ = Team.objects.get_or_create(force=force, name="Blue watch")
    TeamMembership.objects.get_or_create(user=handler, defaults={"team": team})
    now = timezone.now()
    logged = [
        services.log_incident(
            by=handler,
            incident_reference=reference,
            handled_at=now - timedelta(hours=hours),
            decision=decision,
            risk_answers=answers,
            notes="Caller spoke quietly; line dropped once.",
        )
        for reference, hours, decision, answers in DEMO_INCIDENTS
    ]
    missed = MissedOpportunity.offered_to(force.pk).filter(
        label__in=["DASH risk questions not asked", "Children in the household not identified"]
    )
    services.review_incident(
        logged[0],
        by=reviewer,
        outcome=Outcome.LEARNING_POINTS,
        feedback="Good calm handling. Next time ask about children in the house and go through the risk questions.",
        missed=missed,
    )
