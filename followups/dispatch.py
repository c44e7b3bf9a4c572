"""The minute dispatcher: send every follow-up that has fallen due, each exactly once.

Rows are claimed in batches with SELECT ... FOR UPDATE SKIP LOCKED inside a
transaction, so two workers dispatching at once take different rows. A claimed row
is marked and its text (an SmsMessage) created in that same transaction: a worker
killed mid-batch committed both or neither, and the next run finds only what is
still 'scheduled'. The text itself goes out from the `sms.send` task after commit,
which claims the message so it is never sent twice.
"""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from followups import appointments
from followups.models import FollowUp, FollowUpKind, FollowUpStatus
from followups.outcomes import mark_sent, may_text
from followups.services import changed
from response_platform.sms.services import queue_sms

log = logging.getLogger(__name__)

BATCH_SIZE = 100
# Discreet on purpose: the phone may be read by the person the caller fears.
# No name, no organisation, no police, nothing about what happened.
CHECK_IN_BODY = "Hi, just checking in. Reply if you'd like us to call."
FAILED = "Could not be sent because of an error; schedule it again or call the caller back."


def dispatch_due(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Dispatch everything due. Returns how many rows this run claimed; safe to run twice at once."""
    claimed = 0
    while batch := _dispatch_batch(now or timezone.now(), batch_size):
        claimed += batch
    return claimed


def _dispatch_batch(now: datetime, batch_size: int) -> int:
    with transaction.atomic():
        rows = list(
            FollowUp.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("case__force")
            .filter(status=FollowUpStatus.SCHEDULED, due_at__lte=now)
            .order_by("due_at", "pk")[:batch_size]
        )
        # Appointments are locked in one order by every transaction, so two never wait on each other.
        rows.sort(key=lambda row: (str(row.appointment_id or ""), row.due_at, row.pk))
        for row in rows:
            _dispatch_one(row, now)
        for case_id in {row.case_id for row in rows}:
            changed(case_id)
    return len(rows)


def _dispatch_one(row: FollowUp, now: datetime) -> None:
    row.attempts += 1
    try:
        # A savepoint: one bad row is marked failed instead of blocking the queue every minute.
        with transaction.atomic():
            HANDLERS[FollowUpKind(row.kind)](row, now)
            row.save()
    except Exception as exc:
        log.error("follow-up %s (%s) failed: %s", row.pk, row.kind, type(exc).__name__)
        FollowUp.objects.filter(pk=row.pk).update(status=FollowUpStatus.FAILED, attempts=row.attempts, outcome=FAILED)


def send_check_in(row: FollowUp, now: datetime) -> None:
    if not may_text(row, now):
        return
    row.sms = queue_sms(to=row.case.victim_phone, body=CHECK_IN_BODY, record_body=CHECK_IN_BODY)
    mark_sent(row, now)


def remind_specialist(row: FollowUp, now: datetime) -> None:
    """Shown on the case panel and the specialist's reminders page until marked done."""
    mark_sent(row, now, _("Due: call the caller back."))


HANDLERS = {
    FollowUpKind.CHECK_IN_SMS: send_check_in,
    FollowUpKind.CALLBACK: remind_specialist,
    FollowUpKind.APPOINTMENT_LINK: appointments.send_link,
    FollowUpKind.APPOINTMENT_REMINDER: appointments.remind,
    FollowUpKind.APPOINTMENT_CHECK: appointments.check_attendance,
}
