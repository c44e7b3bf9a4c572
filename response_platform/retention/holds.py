"""Legal hold: while it is set, retention erases nothing of the case."""

from django.utils import timezone

from response_platform.accounts.permissions import can_set_hold
from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record
from response_platform.cases.models import Case

__all__ = ["can_set_hold", "place_hold", "release_hold"]


def place_hold(case: Case, *, by, reason: str) -> None:
    case.legal_hold, case.legal_hold_reason = True, reason
    case.legal_hold_by, case.legal_hold_at = by, timezone.now()
    case.save(update_fields=["legal_hold", "legal_hold_reason", "legal_hold_by", "legal_hold_at"])
    record(AuditAction.ALTERATION, case, actor=by, detail="legal hold placed")


def release_hold(case: Case, *, by) -> None:
    # Who released it and when is in the audit trail; the case keeps no trace of the old reason.
    case.legal_hold, case.legal_hold_reason = False, ""
    case.legal_hold_by, case.legal_hold_at = None, None
    case.save(update_fields=["legal_hold", "legal_hold_reason", "legal_hold_by", "legal_hold_at"])
    record(AuditAction.ALTERATION, case, actor=by, detail="legal hold released")
