"""The audit trail: one row per processing of personal data, chained by hash.

An entry names things by type, id and role, never by content, so the trail itself
holds no personal data and can be kept longer than what it describes.
"""

from django.conf import settings
from django.db import models

from response_platform.audit.actions import AuditAction
from response_platform.lib.append_only import AppendOnlyModel

GENESIS_HASH = "0" * 64


class AuditEvent(AppendOnlyModel):
    # Place in the chain, 1, 2, 3 ... with no gaps: a missing number is a deleted entry.
    position = models.PositiveBigIntegerField(primary_key=True)
    at = models.DateTimeField()
    # No database constraint and no cascade: deleting a user must neither fail nor
    # touch the trail (an UPDATE to null the column would break the hash, and the
    # PostgreSQL trigger refuses it). The username, role and force are kept as text.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=32, blank=True)
    actor_force = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # The case the object belongs to, so an admin can pull everything done to one case.
    case_id = models.UUIDField(null=True, blank=True)
    # Whose data it is (the case's force, else the actor's): scopes the viewer.
    force = models.ForeignKey(
        "accounts.Force",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    recipient = models.CharField(max_length=255, blank=True)
    justification = models.TextField(blank=True)
    detail = models.CharField(max_length=255, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["position"]
        indexes = [
            models.Index(fields=["force", "-position"], name="audit_force_position"),
            models.Index(fields=["case_id", "-position"], name="audit_case_position"),
            models.Index(fields=["actor", "-position"], name="audit_actor_position"),
        ]

    def __str__(self):
        return f"#{self.position} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The one row every append locks: it serialises writers and remembers the last hash.

    Without it two transactions could both chain onto the same entry (a fork), and
    deleting the newest entries would leave a chain that still verifies.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    position = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)
