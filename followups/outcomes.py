"""What the dispatcher does to a claimed row, and the gate every text to the caller passes."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from followups import consent, windows
from followups.models import FollowUp, FollowUpStatus
from response_platform.sms.optout import is_opted_out


def local_label(when: datetime, tz_name: str) -> str:
    return when.astimezone(ZoneInfo(tz_name)).strftime("%a %d %b %H:%M")


def mark_sent(row: FollowUp, now: datetime, outcome: str = "") -> None:
    row.status = FollowUpStatus.SENT
    row.sent_at = now
    row.outcome = outcome


def mark_skipped(row: FollowUp, reason: str) -> None:
    """Not sent, on purpose: the reason is shown to the specialist."""
    row.status = FollowUpStatus.SKIPPED
    row.outcome = reason


def may_text(row: FollowUp, now: datetime, *, latest: datetime | None = None) -> bool:
    """Whether the caller may be texted now. If not, the row is skipped, or moved to the next
    safe time (not sent, not failed). `latest`: a text that would arrive after it is pointless."""
    case = row.case
    if not consent.is_granted(case):
        mark_skipped(row, _("Not sent: the caller has not agreed to follow-up contact, or withdrew."))
        return False
    if is_opted_out(case.victim_phone):
        mark_skipped(row, _("Not sent: this number replied STOP."))
        return False
    tz_name = case.force.timezone
    safe = windows.next_safe_time(case.contact_windows, now, tz_name)
    if safe is None:
        mark_skipped(row, _("Not sent: no safe contact times are recorded."))
        return False
    if latest is not None and safe >= latest:
        mark_skipped(row, _("Not sent: no safe contact time before the video call."))
        return False
    if safe > now:
        row.due_at = safe
        row.outcome = _("Outside the safe contact times: moved to %(when)s.") % {"when": local_label(safe, tz_name)}
        return False
    return True
