"""The caller's consent to be contacted after the call, recorded verbally by the specialist.

The specialist reads the notice aloud; the record keeps its version and the SHA-256
of the exact words on screen, so anyone can later prove what the caller agreed to.
Consent records are append-only: a withdrawal is a new record, and the latest wins.
"""

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from response_platform.audit import service as audit
from response_platform.audit.actions import AuditAction
from response_platform.lib.crypto import sha256_hex
from video.models import ConsentDecision, ConsentMethod, ConsentRecord, ConsentScope

NOTICE_VERSION = "2026-11-fu1"


def notice_text() -> str:
    """The words to read out, in the active language."""
    return _(
        "We would like to check in with you after today's call. We would send a short text "
        "message, only at the times you told us are safe. It will not say who it is from or "
        "mention the police. You can also ask us to book a video call. You can say no now, "
        "change your mind at any time, or reply STOP to any message to stop them all."
    )


def latest(case) -> ConsentRecord | None:
    return (
        ConsentRecord.objects.filter(case=case, scope=ConsentScope.FOLLOW_UP_CONTACT)
        .order_by("-created_at", "-pk")
        .first()
    )


def is_granted(case) -> bool:
    record = latest(case)
    return record is not None and record.decision == ConsentDecision.GRANTED


def record_verbal(case, *, by, decision: str, language: str) -> ConsentRecord:
    """Store what the caller said after hearing the notice in `language`."""
    from followups.services import changed

    with translation.override(language):
        words = notice_text()
    with transaction.atomic():
        record = ConsentRecord.objects.create(
            case=case,
            scope=ConsentScope.FOLLOW_UP_CONTACT,
            decision=decision,
            method=ConsentMethod.VERBAL,
            recorded_by=by,
            notice_version=NOTICE_VERSION,
            notice_sha256=sha256_hex(words),
            language=language,
        )
        audit.record(AuditAction.COLLECTION, record, actor=by, detail="follow-up consent, verbal")
        changed(case.pk)
    return record
