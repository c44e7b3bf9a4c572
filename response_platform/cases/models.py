import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from response_platform.lib.fields import EncryptedJSONField, EncryptedTextField


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    force = models.ForeignKey("accounts.Force", on_delete=models.PROTECT, related_name="cases")
    incident_reference = models.CharField(max_length=64)
    victim_phone = EncryptedTextField()
    # Keyed hash of the E.164 number, so replies and repeat contacts can be matched
    # without decrypting every case.
    victim_phone_index = models.CharField(max_length=64, db_index=True)
    preferred_language = models.CharField(max_length=16, default="en-gb")
    safe_to_text_confirmed = models.BooleanField(default=False)
    # When it is safe to contact the victim, e.g. "not after 6pm, he is home then".
    safe_contact_notes = EncryptedTextField(blank=True)
    # [{"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "12:00"}, ...] in the force's timezone
    # (Monday = 0). Empty: no follow-up text may be sent at all.
    contact_windows = EncryptedJSONField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # A legal hold (litigation, an inquiry, a court order) stops retention erasing anything of the case.
    legal_hold = models.BooleanField(default=False)
    legal_hold_reason = EncryptedTextField(blank=True)
    legal_hold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    legal_hold_at = models.DateTimeField(null=True, blank=True)
    # Set when retention pseudonymised the caller's number and erased their contact details.
    contact_erased_at = models.DateTimeField(null=True, blank=True)
    # A practice case: a colleague plays the caller. Texts go to the dev outbox only,
    # referrals to real services are refused, and no statistic counts it.
    is_training = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.incident_reference
