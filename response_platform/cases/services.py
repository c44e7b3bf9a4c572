from django.db import transaction

from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record
from response_platform.cases.models import Case
from response_platform.lib.crypto import blind_index
from response_platform.lib.phones import normalise_mobile


def create_case(
    *, by, incident_reference: str, victim_phone: str, preferred_language: str, is_training: bool = False
) -> Case:
    """Open a case in the user's force. The caller has confirmed it is safe to text the number.

    The number is normalised here as well as in the form, so the blind index is
    always of the E.164 form and a repeat contact is found however it was typed.
    """
    victim_phone = normalise_mobile(victim_phone)
    with transaction.atomic():
        return _create(by, incident_reference, victim_phone, preferred_language, is_training)


def _create(by, incident_reference: str, victim_phone: str, preferred_language: str, is_training: bool) -> Case:
    from video.events import record_event
    from video.models import EventKind

    case = Case.objects.create(
        force=by.force,
        incident_reference=incident_reference,
        victim_phone=victim_phone,
        victim_phone_index=blind_index(victim_phone),
        preferred_language=preferred_language,
        safe_to_text_confirmed=True,
        created_by=by,
        is_training=is_training,
    )
    record_event(case=case, kind=EventKind.CASE_CREATED, actor=by)
    record(AuditAction.COLLECTION, case, actor=by, detail="case opened with the caller's number")
    return case
