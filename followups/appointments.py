"""Booked video calls: a slot the caller chose, a link texted shortly before, a reminder for
the specialist at the slot, and a check afterwards that turns a missed call into a callback.

All three are FollowUp rows found by the minute dispatcher; nothing waits in the broker.
The video session is made when the link is sent, not at booking: a session left open
for days would be closed as abandoned by the video housekeeping.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from followups import windows
from followups.models import Appointment, AppointmentStatus, FollowUp, FollowUpKind, FollowUpStatus
from followups.outcomes import local_label, mark_sent, mark_skipped, may_text
from followups.services import changed, check_can_text
from video import services as video
from video.models import EventKind, SessionEvent, VideoSession

# The link goes out this long before the slot, and opens then.
LINK_LEAD = timedelta(minutes=10)
# Nobody in the call this long after the start: missed. The link cannot be first opened after it.
MISSED_AFTER = timedelta(minutes=15)
LENGTHS = (15, 30, 45, 60)


def book(case, *, by, starts_at: datetime, minutes: int = 30, now: datetime | None = None) -> Appointment:
    now = now or timezone.now()
    send_at = starts_at - LINK_LEAD
    if send_at < now:
        raise ValidationError(_("Book a slot at least 10 minutes from now: the link goes out 10 minutes before."))
    check_can_text(case)
    tz_name = case.force.timezone
    if not windows.is_inside(case.contact_windows, send_at, tz_name):
        raise ValidationError(
            _(
                "The link would go out at %(when)s, outside the caller's safe contact times. "
                "Choose another slot or change the safe contact times."
            )
            % {"when": local_label(send_at, tz_name)}
        )
    with transaction.atomic():
        appointment = Appointment.objects.create(case=case, starts_at=starts_at, minutes=minutes, booked_by=by)
        for kind, due_at in (
            (FollowUpKind.APPOINTMENT_LINK, send_at),
            (FollowUpKind.APPOINTMENT_REMINDER, starts_at),
            (FollowUpKind.APPOINTMENT_CHECK, starts_at + MISSED_AFTER),
        ):
            FollowUp.objects.create(case=case, kind=kind, due_at=due_at, appointment=appointment, created_by=by)
        changed(case.pk)
    return appointment


def cancel(appointment: Appointment, *, by) -> bool:
    """Cancel the call and whatever of it is still to come; a link already sent stops working."""
    with transaction.atomic():
        # Rows first, then the appointment: the dispatcher takes them in that order too.
        pending = FollowUp.objects.select_for_update().filter(appointment=appointment, status=FollowUpStatus.SCHEDULED)
        pending_ids = list(pending.order_by("pk").values_list("pk", flat=True))
        row = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if not row.is_open:
            return False
        FollowUp.objects.filter(pk__in=pending_ids).update(
            status=FollowUpStatus.CANCELLED, outcome=_("The video call was cancelled.")
        )
        row.status = AppointmentStatus.CANCELLED
        row.save(update_fields=["status"])
        if row.session is not None:
            video.end_session(row.session, by=by)
        changed(row.case_id)
    return True


def _locked(row: FollowUp) -> Appointment:
    if row.appointment_id is None:  # not an assert: those vanish under python -O
        raise ValueError("only appointment rows reach here")
    return Appointment.objects.select_for_update().get(pk=row.appointment_id)


def send_link(row: FollowUp, now: datetime) -> None:
    appointment = _locked(row)
    if appointment.status != AppointmentStatus.BOOKED:
        mark_skipped(row, _("Not sent: the video call is no longer booked."))
        return
    if not may_text(row, now, latest=appointment.starts_at + MISSED_AFTER):
        return
    session = VideoSession.objects.create(
        case=appointment.case, created_by=appointment.booked_by, scheduled_for=appointment.starts_at
    )
    link = video.send_join_link(
        session, by=None, valid_from=appointment.starts_at - LINK_LEAD, expires_at=appointment.starts_at + MISSED_AFTER
    )
    row.sms = link.sms
    mark_sent(row, now)
    appointment.session = session
    appointment.status = AppointmentStatus.LINK_SENT
    appointment.save(update_fields=["session", "status"])


def remind(row: FollowUp, now: datetime) -> None:
    appointment = _locked(row)
    if not appointment.is_open:
        mark_skipped(row, _("The video call is no longer booked."))
        return
    mark_sent(row, now, _("The booked video call starts now: open the session and join."))


def check_attendance(row: FollowUp, now: datetime) -> None:
    """Took place, or missed: then the specialist gets a callback to arrange another way."""
    appointment = _locked(row)
    if not appointment.is_open:
        mark_skipped(row, _("The video call is no longer booked."))
        return
    if appointment.session_id and _call_happened(appointment.session_id):
        appointment.status = AppointmentStatus.JOINED
        mark_sent(row, now, _("The video call took place."))
    else:
        appointment.status = AppointmentStatus.MISSED
        mark_sent(row, now, _("Nobody joined the video call: a callback reminder was added."))
        FollowUp.objects.create(
            case=appointment.case,
            kind=FollowUpKind.CALLBACK,
            due_at=now,
            appointment=appointment,
            created_by=appointment.booked_by,
        )
    appointment.save(update_fields=["status"])


def _call_happened(session_id) -> bool:
    """The session reached 'in call': the caller and a specialist both joined.

    The state moves on (ended, expired), so the timeline says it: the caller joins
    without a user, staff with one."""
    joined = SessionEvent.objects.filter(session_id=session_id, kind=EventKind.JOINED)
    return joined.filter(actor__isnull=True).exists() and joined.filter(actor__isnull=False).exists()
