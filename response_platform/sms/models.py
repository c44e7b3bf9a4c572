from django.db import models
from django.utils.translation import gettext_lazy as _

from response_platform.lib.fields import EncryptedTextField


class SmsStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to send")
    SUBMITTING = "submitting", _("Sending to the network")
    ACCEPTED = "accepted", _("Accepted by the provider")
    QUEUED = "queued", _("Queued by the provider")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    UNDELIVERED = "undelivered", _("Not delivered")
    FAILED = "failed", _("Failed")


# Providers report statuses out of order and more than once; a status only
# ever replaces one of a lower rank.
STATUS_RANK: dict[str, int] = {
    SmsStatus.PENDING: 0,
    SmsStatus.SUBMITTING: 1,
    SmsStatus.ACCEPTED: 2,
    SmsStatus.QUEUED: 2,
    SmsStatus.SENDING: 3,
    SmsStatus.SENT: 4,
    SmsStatus.DELIVERED: 5,
    SmsStatus.UNDELIVERED: 5,
    SmsStatus.FAILED: 5,
}
FINAL_STATUSES = {SmsStatus.DELIVERED, SmsStatus.UNDELIVERED, SmsStatus.FAILED}


class SmsMessage(models.Model):
    to = EncryptedTextField()
    # The body that goes out (it may carry a join token) is kept only until the
    # provider has it; the record keeps `record_body`, with secrets removed.
    body = EncryptedTextField(blank=True)
    record_body = models.CharField(max_length=320)
    status = models.CharField(max_length=16, choices=SmsStatus.choices, default=SmsStatus.PENDING)
    provider_sid = models.CharField(max_length=64, blank=True, db_index=True)
    error_code = models.CharField(max_length=16, blank=True)
    error_message = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"SMS {self.pk} ({self.status})"


class OutboxMessage(models.Model):
    """What the dev outbox backend 'sent'. Shown at /dev/outbox/ when DEBUG is on."""

    to = models.CharField(max_length=32)
    body = models.TextField()
    sid = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
