"""Risk assessment as questionnaire data, so a force can move to another version or tool."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from response_platform.lib.append_only import AppendOnlyModel
from response_platform.lib.fields import EncryptedJSONField, EncryptedTextField


class Questionnaire(models.Model):
    """A risk tool and version, e.g. the SafeLives DASH checklist (2009)."""

    code = models.SlugField(max_length=32)
    version = models.CharField(max_length=16)
    name = models.CharField(max_length=200)
    # "yes" answers at or above which the level is medium / high (DASH: 10 and 14).
    medium_threshold = models.PositiveSmallIntegerField()
    high_threshold = models.PositiveSmallIntegerField()
    # The one offered for new assessments; older versions stay for the assessments made with them.
    is_current = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="questionnaire_code_version")]

    def __str__(self):
        return f"{self.name} ({self.version})"


class Question(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    help_text = models.TextField(blank=True)

    class Meta:
        ordering = ["questionnaire", "number"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "number"], name="question_number")]

    def __str__(self):
        return f"{self.number}. {self.text}"


class RiskLevel(models.TextChoices):
    STANDARD = "standard", _("Standard")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class RiskAssessment(AppendOnlyModel):
    """One saved version of a case's assessment. Editing saves a new version; none is overwritten."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="risk_assessments")
    version = models.PositiveIntegerField()
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    # {"<question number>": {"answer": "yes" | "no" | "not_known", "note": "..."}}
    answers = EncryptedJSONField()
    notes = EncryptedTextField(blank=True)
    yes_count = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=16, choices=RiskLevel.choices)
    # MARAC referral criteria beyond the score.
    visible_high_risk = models.BooleanField(default=False)
    professional_judgement = models.BooleanField(default=False)
    professional_judgement_reason = EncryptedTextField(blank=True)
    police_callouts_12_months = models.PositiveSmallIntegerField(default=0)
    repeat_referral = models.BooleanField(default=False)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "-version"]
        constraints = [models.UniqueConstraint(fields=["case", "version"], name="risk_assessment_version")]

    def __str__(self):
        return f"Risk assessment v{self.version}"
