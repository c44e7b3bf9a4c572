"""When a case last saw activity: contact and case periods count from then (see classes.py)."""

from django.db.models import DateTimeField, F, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from response_platform.cases.models import Case

# (model label, the date in it that counts as activity on the case)
ACTIVITY = (
    ("video.VideoSession", "created_at"),
    ("video.VideoSession", "ended_at"),
    ("followups.FollowUp", "due_at"),
    ("followups.Appointment", "starts_at"),
    ("sms.InboundSms", "received_at"),
    ("referrals.RiskAssessment", "created_at"),
    ("referrals.Referral", "updated_at"),
)


def _latest(label: str, field: str) -> Coalesce:
    from django.apps import apps

    model = apps.get_model(label)
    latest = model._base_manager.filter(case=OuterRef("pk")).order_by().values("case").annotate(at=Max(field))
    # A case with none of these counts from its own opening (a NULL would swallow GREATEST on SQLite).
    return Coalesce(Subquery(latest.values("at")), F("created_at"), output_field=DateTimeField())


def with_last_activity(cases: QuerySet[Case]) -> QuerySet[Case]:
    """`cases` annotated with `last_activity`."""
    return cases.annotate(
        last_activity=Greatest(F("created_at"), *(_latest(label, field) for label, field in ACTIVITY))
    )
