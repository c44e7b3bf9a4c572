"""Call handlers' incident logs, the specialists' reviews of them, and the teams that statistics group by.

Raneem's Law puts domestic-abuse specialists in the control room to check call handlers'
decisions for missed safeguarding opportunities: a call handler logs what they decided,
a specialist or supervisor reviews it, and the call handler reads the feedback.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from response_platform.lib.fields import EncryptedJSONField, EncryptedTextField


class Team(models.Model):
    """A watch or shift of a force's control room: what the supervisors' statistics group by."""

    force = models.ForeignKey("accounts.Force", on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["force", "name"], name="reviews_team_unique_name")]

    def __str__(self):
        return self.name


class TeamMembership(models.Model):
    """A user's team. Kept here, not on User, so teams stay this feature's concern; one team per user."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_membership")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")

    def __str__(self):
        return f"{self.user} in {self.team}"


class MissedOpportunity(models.Model):
    """One entry of the list a reviewer picks from. Force-less entries are every force's;
    a force admin adds their force's own, and retires any by unticking `active`
    (a retired entry stays on the reviews that used it)."""

    force = models.ForeignKey(
        "accounts.Force", null=True, blank=True, on_delete=models.CASCADE, related_name="missed_opportunities"
    )
    label = models.CharField(max_length=200)
    active = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=100)

    class Meta:
        ordering = ["order", "label"]
        verbose_name_plural = "missed opportunities"

    def __str__(self):
        return self.label

    @classmethod
    def offered_to(cls, force_id: int):
        """The active entries a reviewer in `force_id` may pick: everyone's and the force's own."""
        return cls.objects.filter(Q(force__isnull=True) | Q(force_id=force_id), active=True)


class Decision(models.TextChoices):
    POLICE_DISPATCHED = "police_dispatched", _("Police dispatched")
    ADVICE_GIVEN = "advice_given", _("Advice given")
    REFERRED_TO_SPECIALIST = "referred_to_specialist", _("Referred to specialist")
    NO_FURTHER_ACTION = "no_further_action", _("No further action")
    CALL_TRANSFERRED = "call_transferred", _("Call transferred")


class IncidentLog(models.Model):
    """One domestic-abuse incident a call handler handled, as they logged it."""

    force = models.ForeignKey("accounts.Force", on_delete=models.PROTECT, related_name="+")
    call_handler = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="incident_logs")
    # The police system's reference: a pointer, no content (like Case.incident_reference).
    incident_reference = models.CharField(max_length=64)
    handled_at = models.DateTimeField()
    decision = models.CharField(max_length=32, choices=Decision.choices)
    # {"injured": "yes", "children": "unknown", ...}: what was asked about the caller (questions.py).
    risk_answers = EncryptedJSONField(default=dict)
    notes = EncryptedTextField(blank=True)
    # The force's case with the same incident reference, when there is one.
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="incident_logs"
    )
    # Logged in a training exercise: reviewed like any other, left out of every statistic.
    is_training = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-handled_at"]
        indexes = [models.Index(fields=["force", "handled_at"])]

    def __str__(self):
        return self.incident_reference


class Outcome(models.TextChoices):
    NO_ISSUES = "no_issues", _("No issues")
    LEARNING_POINTS = "learning_points", _("Learning points")
    SERIOUS_CONCERN = "serious_concern", _("Serious concern")


class Review(models.Model):
    """A specialist's or supervisor's review of one incident log; the call handler sees its feedback."""

    incident = models.OneToOneField(IncidentLog, on_delete=models.CASCADE, related_name="review")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    missed_opportunities = models.ManyToManyField(MissedOpportunity, blank=True, related_name="reviews")
    feedback = EncryptedTextField(blank=True)
    outcome = models.CharField(max_length=32, choices=Outcome.choices)
    reviewed_at = models.DateTimeField()
    # When the call handler confirmed reading this version of the feedback; a changed review clears it.
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Review of {self.incident}"
