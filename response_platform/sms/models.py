from django.conf import settings
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


class InboundSms(models.Model):
    """A text a victim sent to our number. The number and the words are personal data."""

    # Twilio redelivers a webhook it thinks failed; the sid keeps it to one row.
    provider_sid = models.CharField(max_length=64, unique=True)
    from_number = EncryptedTextField()
    # Keyed hash of the E.164 number: the same index as Case.victim_phone_index.
    from_index = models.CharField(max_length=64, db_index=True)
    body = EncryptedTextField(blank=True)
    # The newest open case with this number, else its newest case; none for a number we
    # never had a case for. Replies go with their case when it is erased.
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="sms_replies")
    # What the reply did to our texting: "stop", "start", or nothing.
    keyword = models.CharField(max_length=8, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["case", "read_at"])]

    def __str__(self):
        return f"Reply {self.pk}"


class OptOutSource(models.TextChoices):
    KEYWORD = "keyword", _("The person replied STOP")
    PROVIDER = "provider", _("The text service reported the number unsubscribed (error 21610)")


class OptOut(models.Model):
    """A number no text may go to. One row per number, kept when it opts back in."""

    phone_index = models.CharField(max_length=64, unique=True)
    source = models.CharField(max_length=16, choices=OptOutSource.choices)
    opted_out_at = models.DateTimeField()
    # Set by a START reply; a later STOP clears it again.
    opted_in_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Opt-out {self.pk}"

    @property
    def active(self) -> bool:
        return self.opted_in_at is None
