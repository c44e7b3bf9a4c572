"""Scheduling, moving and cancelling follow-ups; the case's safe contact times.

Views call these; the minute dispatcher (dispatch.py) sends what falls due.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from followups import consent, windows
from followups.models import REMINDER_KINDS, SCHEDULABLE_KINDS, FollowUp, FollowUpKind, FollowUpStatus
from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record
from response_platform.cases.panels import case_panel_changed
from response_platform.sms.optout import is_opted_out

# A time typed a moment ago is "now", not an error.
PAST_GRACE = timedelta(minutes=1)


def changed(case_id) -> None:
    """Every open page of the case reloads the follow-ups panel, once the change is committed."""
    transaction.on_commit(lambda: case_panel_changed(case_id, "followups"))


def save_contact_times(case, *, by, contact_windows: list[dict], notes: str) -> None:
    action = AuditAction.ALTERATION if case.contact_windows or case.safe_contact_notes else AuditAction.COLLECTION
    case.contact_windows = windows.clean_windows(contact_windows)
    case.safe_contact_notes = notes.strip()
    with transaction.atomic():
        case.save(update_fields=["contact_windows", "safe_contact_notes"])
        record(action, case, actor=by, detail="safe contact times and notes")
        changed(case.pk)


def check_can_text(case) -> None:
    """Raise ValidationError unless the caller may be texted after the call at all."""
    if not consent.is_granted(case):
        raise ValidationError(_("The caller has not agreed to follow-up contact. Record their consent first."))
    if not case.contact_windows:
        raise ValidationError(_("Record the caller's safe contact times first."))
    if is_opted_out(case.victim_phone):
        raise ValidationError(_("This number replied STOP: no more texts can be sent to it."))


def safe_due_time(case, kind: str, due_at: datetime, *, now: datetime | None = None) -> datetime:
    """The time a follow-up of `kind` will be due: a text moves to the next safe time."""
    now = now or timezone.now()
    if due_at < now - PAST_GRACE:
        raise ValidationError(_("Choose a time in the future."))
    due_at = max(due_at, now)
    if kind != FollowUpKind.CHECK_IN_SMS:
        return due_at
    check_can_text(case)
    safe = windows.next_safe_time(case.contact_windows, due_at, case.force.timezone)
    if safe is None:
        raise ValidationError(_("Record the caller's safe contact times first."))
    return safe


def schedule(case, *, by, kind: str, due_at: datetime, now: datetime | None = None) -> FollowUp:
    """A check-in text or a callback reminder. A text asked for outside the safe times is
    moved to the next one (compare `due_at` on the result to tell the specialist)."""
    if kind not in SCHEDULABLE_KINDS:
        raise ValidationError(_("Choose a check-in text or a callback reminder."))
    with transaction.atomic():
        follow_up = FollowUp.objects.create(
            case=case, kind=kind, due_at=safe_due_time(case, kind, due_at, now=now), created_by=by
        )
        changed(case.pk)
    return follow_up


def _locked_scheduled(follow_up: FollowUp) -> FollowUp:
    """The row under lock, still scheduled and not a step of a booked call; else ValidationError.

    Blocks while the dispatcher holds it, then sees what the dispatcher did."""
    row = FollowUp.objects.select_for_update().select_related("case__force").get(pk=follow_up.pk)
    if row.kind not in SCHEDULABLE_KINDS:
        raise ValidationError(_("This belongs to a booked video call: cancel or rebook the call instead."))
    if row.status != FollowUpStatus.SCHEDULED:
        raise ValidationError(_("This follow-up has already been dealt with."))
    return row


def reschedule(follow_up: FollowUp, *, by, due_at: datetime, now: datetime | None = None) -> FollowUp:
    with transaction.atomic():
        row = _locked_scheduled(follow_up)
        row.due_at = safe_due_time(row.case, row.kind, due_at, now=now)
        row.outcome = ""
        row.save(update_fields=["due_at", "outcome"])
        record(AuditAction.ALTERATION, row, actor=by, detail="follow-up moved")
        changed(row.case_id)
    return row


def cancel(follow_up: FollowUp, *, by) -> FollowUp:
    with transaction.atomic():
        row = _locked_scheduled(follow_up)
        row.status = FollowUpStatus.CANCELLED
        row.outcome = _("Cancelled by %(name)s") % {"name": by}
        row.save(update_fields=["status", "outcome"])
        changed(row.case_id)
    return row


def mark_done(follow_up: FollowUp, *, by) -> bool:
    """The specialist has dealt with a reminder that fell due. Returns whether anything changed."""
    with transaction.atomic():
        done = FollowUp.objects.filter(
            pk=follow_up.pk, status=FollowUpStatus.SENT, done_at__isnull=True, kind__in=REMINDER_KINDS
        ).update(done_at=timezone.now())
        if done:
            changed(follow_up.case_id)
    return bool(done)
