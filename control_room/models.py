"""Wrap-up after a call: the outcome chosen from a force's list, and the checklist decisions.

Outcomes and decisions are labels about the work done, never about the person:
no free text, so nothing here is personal data to encrypt or erase on its own
(each row goes with its case).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CallOutcome(models.Model):
    """One choice on the wrap-up page. Blank force: offered to every force."""

    force = models.ForeignKey(
        "accounts.Force", null=True, blank=True, on_delete=models.CASCADE, related_name="call_outcomes"
    )
    label = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=100)
    # Retired outcomes stay for the sessions that recorded them but are no longer offered.
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "label"]

    def __str__(self):
        return self.label


class WrapUp(models.Model):
    """The outcome of one ended session, recorded once by the specialist who ended it."""

    session = models.OneToOneField("video.VideoSession", on_delete=models.CASCADE, related_name="wrap_up")
    outcome = models.ForeignKey(CallOutcome, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)


class ChecklistItem(models.TextChoices):
    REFERRALS = "referrals", _("No referral needed")
    FOLLOW_UPS = "follow_ups", _("No follow-up (declined or not needed)")


class ChecklistDecision(models.Model):
    """A specialist decided an item of the checklist needs nothing more (e.g. no referral needed)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="checklist_decisions")
    item = models.CharField(max_length=16, choices=ChecklistItem.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "item"], name="one_decision_per_item")]
