"""Wrap-up rules: the outcome of an ended call, and settling the case's checklist."""

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q, QuerySet

from control_room.models import CallOutcome, ChecklistDecision, WrapUp
from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record
from response_platform.cases.panels import case_panel_changed
from video.events import record_event
from video.models import EventKind, SessionState, VideoSession


class WrapUpError(Exception):
    """The outcome cannot be recorded (the call has not ended, or the outcome is not offered)."""


def outcomes_for(force_id) -> QuerySet[CallOutcome]:
    """The force's own outcomes and those offered to every force, in their order."""
    return CallOutcome.objects.filter(Q(force_id=force_id) | Q(force__isnull=True), active=True)


@transaction.atomic
def record_outcome(session: VideoSession, *, outcome_id: int, by, decisions: Sequence[str] = ()) -> WrapUp:
    """Record the outcome of an ended call once; a second press returns the first answer.

    `decisions` are checklist items the specialist settled at the same time ("no referral needed")."""
    session = VideoSession.objects.select_for_update(of=("self",)).select_related("case").get(pk=session.pk)
    if session.state != SessionState.ENDED:
        raise WrapUpError("The call has not ended.")
    existing = WrapUp.objects.filter(session=session).select_related("outcome").first()
    if existing is not None:
        return existing
    outcome = outcomes_for(session.case.force_id).filter(pk=outcome_id).first()
    if outcome is None:
        raise WrapUpError("Choose one of the outcomes offered.")
    wrap_up = WrapUp.objects.create(session=session, outcome=outcome, recorded_by=by)
    record_event(case=session.case, session=session, kind=EventKind.OUTCOME_RECORDED, actor=by, detail=outcome.label)
    record(AuditAction.COLLECTION, wrap_up, actor=by, detail="call outcome")
    for item in decisions:
        decide(session.case, item=item, by=by)
    _changed(session.case_id)
    return wrap_up


@transaction.atomic
def decide(case, *, item: str, by) -> None:
    """Settle a checklist item without a record behind it ("no referral needed"). Idempotent."""
    _, created = ChecklistDecision.objects.get_or_create(case=case, item=item, defaults={"decided_by": by})
    if created:
        record(AuditAction.COLLECTION, case, actor=by, detail=f"wrap-up checklist: {item} settled")
        _changed(case.pk)


def _changed(case_id) -> None:
    # The panel hook also reloads the force's dashboards.
    transaction.on_commit(lambda: case_panel_changed(case_id, "wrapup"))
