from django.db import transaction

from video.live import push, staff_group
from video.models import SessionEvent


def record_event(*, case, kind: str, session=None, actor=None, detail: str = "") -> SessionEvent:
    """Append to the session record and tell open staff pages once it is committed."""
    event = SessionEvent.objects.create(case=case, session=session, kind=kind, actor=actor, detail=detail)
    if session is not None:
        transaction.on_commit(
            lambda: push(staff_group(session.pk), {"type": "timeline.event", "event": serialise(event)})
        )
    return event


def serialise(event: SessionEvent) -> dict:
    return {
        "id": event.pk,
        "kind": event.kind,
        "label": str(event.get_kind_display()),
        "detail": event.detail,
        "at": event.at.isoformat(),
    }
