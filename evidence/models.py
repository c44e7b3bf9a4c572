"""What the caller shares during a call, each by their consent: where they are, and pictures.

Both are personal data: encrypted at rest, erased with the chat class's period
(response_platform/retention/classes.py), audited on every store and every look.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from response_platform.lib.fields import EncryptedBinaryField, EncryptedJSONField


class LocationShare(models.Model):
    """One position the caller's phone reported while they agreed to share it."""

    session = models.ForeignKey("video.VideoSession", on_delete=models.CASCADE, related_name="locations")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    # {"lat": .., "lon": .., "accuracy": metres}: one token, so no coordinate is ever readable alone.
    position = EncryptedJSONField()
    # When the phone took the fix (its own clock), as against when we stored it.
    captured_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    @property
    def latitude(self) -> float:
        return float(self.position["lat"])

    @property
    def longitude(self) -> float:
        return float(self.position["lon"])

    @property
    def accuracy(self) -> float:
        return float(self.position["accuracy"])


class SnapshotKind(models.TextChoices):
    SNAPSHOT = "snapshot", _("Evidence snapshot")
    PHOTO = "photo", _("Photo from the caller")


class Snapshot(models.Model):
    """A still taken by the specialist from the caller's video, or a photo the caller sent."""

    session = models.ForeignKey("video.VideoSession", on_delete=models.CASCADE, related_name="snapshots")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=SnapshotKind.choices)
    image = EncryptedBinaryField()
    content_type = models.CharField(max_length=16)
    # SHA-256 of the image exactly as received: anyone can later show the picture is unaltered.
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    # The specialist who took it; null for a photo the caller sent.
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
