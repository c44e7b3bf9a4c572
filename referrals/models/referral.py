import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from response_platform.lib.append_only import AppendOnlyModel
from response_platform.lib.fields import EncryptedJSONField, EncryptedTextField


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CONTACTED = "contacted", _("Contacted")
    CLOSED = "closed", _("Closed")


class Referral(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    service = models.ForeignKey("referrals.SupportService", on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField(max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    # The victim's consent to share with this service; null only for a MARAC referral
    # made on professional judgement, whose reason is then required.
    consent = models.ForeignKey(
        "video.ConsentRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    without_consent_reason = EncryptedTextField(blank=True)
    risk_assessment = models.ForeignKey(
        "referrals.RiskAssessment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Only the fields this service needs, copied at the time of sending.
    shared_data = EncryptedJSONField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sla_due_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = EncryptedTextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # 0: none; 1: escalated at the SLA; 2: escalated again at twice the SLA.
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["service", "status"], name="referral_inbox"),
            models.Index(fields=["status", "sla_due_at"], name="referral_sla"),
        ]

    def __str__(self):
        return f"Referral {self.pk}"


class ReferralEventKind(models.TextChoices):
    SENT = "sent", _("Referral sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CONTACT_ATTEMPT = "contact_attempt", _("Contact attempt")
    CLOSED = "closed", _("Closed")
    ESCALATED = "escalated", _("Escalated to supervisors")
    NOTIFIED = "notified", _("Service notified")
    NOTIFY_FAILED = "notify_failed", _("Notifying the service failed")


class ReferralEvent(AppendOnlyModel):
    """The referral's own record. Notes (contact outcomes, reasons) are encrypted."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=ReferralEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = EncryptedTextField(blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at", "pk"]


class ReferralMessage(models.Model):
    """The thread between the support worker and the referring specialist."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = EncryptedTextField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "pk"]
