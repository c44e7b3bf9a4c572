from response_platform.cases.models import Case
from response_platform.lib.crypto import blind_index


def create_case(*, by, incident_reference: str, victim_phone: str, preferred_language: str) -> Case:
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
    )
    record_event(case=case, kind=EventKind.CASE_CREATED, actor=by)
    return case
