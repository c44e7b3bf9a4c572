"""Erase what is past its retention period (see classes.py), for one force at a time.

Each class is worked through in batches, one transaction per batch, rows claimed with
SELECT ... FOR UPDATE SKIP LOCKED: a run killed halfway has committed whole batches and
the next run finds only what is left, and two runs at once take different rows. What
has been erased no longer matches (deleted, or `contact_erased_at` set), so a second
run changes nothing. Cases on legal hold are never touched.
"""

import secrets
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from evidence.models import LocationShare, Snapshot
from followups.models import FollowUp, FollowUpStatus
from referrals.models import Referral
from response_platform.accounts.models import Force
from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record
from response_platform.cases.models import Case
from response_platform.retention.activity import with_last_activity
from response_platform.retention.classes import (
    CASE,
    CHAT,
    CONTACT,
    ERASED,
    EVIDENCE,
    NON_PERSONAL_SHARED_FIELDS,
    DataClass,
    period_days,
)
from response_platform.retention.statistics import keep_statistics
from response_platform.sms.models import InboundSms, SmsMessage
from video.models import CallInvitation, ChatMessage, JoinLink, VideoSession

BATCH_SIZE = 200
CONTACT_ERASED_OUTCOME = "Not sent: the caller's contact details were erased at the end of their retention period."


def apply_retention(force: Force, *, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Erase everything of `force` past its period. Returns how many of each were erased."""
    now = now or timezone.now()
    with overwriting_erased_bytes():
        # Whole cases first: their contact details and chat then need no separate pass.
        return {
            "cases": erase_cases(force, now, batch_size),
            "contact": erase_contact_details(force, now, batch_size),
            "chat": erase_chat(force, now, batch_size),
            "locations_and_snapshots": erase_locations_and_snapshots(force, now, batch_size),
        }


@contextmanager
def overwriting_erased_bytes() -> Iterator[None]:
    """On SQLite, make erased values leave the file too, not just the tables.

    SQLite leaves deleted and overwritten cells in free space and old page images in its
    write-ahead log, where a copy of the file would still show them. secure_delete zeroes
    the freed space; a truncating checkpoint empties the log. (PostgreSQL's equivalents,
    dead tuples until VACUUM and archived WAL, are the operator's: see the README.)
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        before = cursor.fetchone()[0]
        cursor.execute("PRAGMA secure_delete=ON")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA secure_delete={int(before)}")
            if not connection.in_atomic_block:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _cutoff(force: Force, data_class: DataClass, now: datetime) -> datetime:
    return now - timedelta(days=period_days(force, data_class))


def _detail(force: Force, data_class: DataClass, extra: str = "") -> str:
    return f"retention: {data_class.name} past {period_days(force, data_class)} days{extra}"


def _cases_past(force: Force, cutoff: datetime):
    cases = Case.objects.filter(force=force, legal_hold=False)
    # last_activity is an annotation (retention/activity.py), which django-stubs cannot see.
    return with_last_activity(cases).filter(last_activity__lt=cutoff).order_by("created_at", "pk")  # type: ignore[misc]


def _in_batches(claim, erase_one, batch_size: int) -> int:
    """Claim up to `batch_size` keys per transaction and erase each, until none are left."""
    done = 0
    while True:
        with transaction.atomic():
            keys = list(claim()[:batch_size])
            for key in keys:
                erase_one(key)
        done += len(keys)
        if len(keys) < batch_size:
            return done


def _claim_cases(cases):
    return cases.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True)


def _random_index() -> str:
    """Replaces a blind index: the same shape, matching no number."""
    return secrets.token_hex(32)


def _sms_of(case_id) -> set[int]:
    """The texts sent for the case: the caller's join links and follow-ups, and guests' invitations."""
    links = JoinLink.objects.filter(session__case_id=case_id, sms__isnull=False).values_list("sms_id", flat=True)
    follow_ups = FollowUp.objects.filter(case_id=case_id, sms__isnull=False).values_list("sms_id", flat=True)
    # An interpreter's or advocate's mobile lives only on the text that carried their link.
    guests = CallInvitation.objects.filter(session__case_id=case_id, sms__isnull=False).values_list("sms_id", flat=True)
    return set(links) | set(follow_ups) | set(guests)


# --- case records --------------------------------------------------------------------


def erase_cases(force: Force, now: datetime, batch_size: int = BATCH_SIZE) -> int:
    cases = _cases_past(force, _cutoff(force, CASE, now))
    return _in_batches(lambda: _claim_cases(cases), lambda pk: _erase_case(pk, force), batch_size)


def _erase_case(case_id, force: Force) -> None:
    # Only what the statistics need: nothing personal is decrypted on the way out.
    case = Case.objects.only("pk", "force_id", "created_at", "is_training").get(pk=case_id)
    if not case.is_training:  # practice cases are left out of every statistic
        keep_statistics(case)
    record(AuditAction.ERASURE, case, detail=_detail(force, CASE))
    # Texts are not owned by the case (a link or follow-up only points at them).
    SmsMessage.objects.filter(pk__in=_sms_of(case_id)).delete()
    # These point at other rows of the case with PROTECT (a message at its sender, a referral at
    # its consent and assessment); deleted first, the case's own cascade then goes through.
    ChatMessage.objects.filter(session__case_id=case_id).delete()
    Referral.objects.filter(case_id=case_id).delete()
    case.delete()


# --- contact details -----------------------------------------------------------------


def erase_contact_details(force: Force, now: datetime, batch_size: int = BATCH_SIZE) -> int:
    cases = _cases_past(force, _cutoff(force, CONTACT, now)).filter(contact_erased_at__isnull=True)
    return _in_batches(lambda: _claim_cases(cases), lambda pk: _erase_contact(pk, force, now), batch_size)


def _erase_contact(case_id, force: Force, now: datetime) -> None:
    Case.objects.filter(pk=case_id).update(
        victim_phone=ERASED,
        victim_phone_index=_random_index(),
        safe_contact_notes="",
        contact_windows=None,
        contact_erased_at=now,
    )
    SmsMessage.objects.filter(pk__in=_sms_of(case_id)).update(to=ERASED, body="")
    InboundSms.objects.filter(case_id=case_id).update(from_number=ERASED, from_index=_random_index(), body="")
    for referral in Referral.objects.filter(case_id=case_id).only("pk", "shared_data"):
        kept = {k: v for k, v in (referral.shared_data or {}).items() if k in NON_PERSONAL_SHARED_FIELDS}
        Referral.objects.filter(pk=referral.pk).update(shared_data=kept)
    # Nothing is left to text or call: a follow-up still waiting could only fail.
    FollowUp.objects.filter(case_id=case_id, status=FollowUpStatus.SCHEDULED).update(
        status=FollowUpStatus.CANCELLED, outcome=CONTACT_ERASED_OUTCOME
    )
    case = Case.objects.only("pk", "force_id").get(pk=case_id)
    record(AuditAction.ERASURE, case, detail=_detail(force, CONTACT))


# --- chat, locations and snapshots ---------------------------------------------------


def erase_chat(force: Force, now: datetime, batch_size: int = BATCH_SIZE) -> int:
    messages = ChatMessage.objects.filter(
        session__case__force=force, session__case__legal_hold=False, sent_at__lt=_cutoff(force, CHAT, now)
    ).order_by("pk")

    def claim():
        return messages.select_for_update(skip_locked=True, of=("self",)).values_list("pk", "session_id")

    done = 0
    while True:
        with transaction.atomic():
            rows = list(claim()[:batch_size])
            ChatMessage.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
            # One entry per session and batch: which conversation lost how many messages.
            for session_id, count in Counter(session_id for _, session_id in rows).items():
                session = VideoSession.objects.only("pk", "case_id").get(pk=session_id)
                record(AuditAction.ERASURE, session, detail=_detail(force, CHAT, f" ({count} chat messages)"))
        done += len(rows)
        if len(rows) < batch_size:
            return done


def erase_locations_and_snapshots(force: Force, now: datetime, batch_size: int = BATCH_SIZE) -> int:
    """Shared locations, evidence snapshots and photos past their period (the chat class's).

    The encrypted image lives in its row, so deleting the row erases the picture with it."""
    cutoff = _cutoff(force, EVIDENCE, now)
    kinds = ((LocationShare, "locations"), (Snapshot, "snapshots and photos"))
    return sum(_erase_evidence(model, label, force, cutoff, batch_size) for model, label in kinds)


def _erase_evidence(model, label: str, force: Force, cutoff: datetime, batch_size: int) -> int:
    past = model.objects.filter(case__force=force, case__legal_hold=False, created_at__lt=cutoff).order_by("pk")
    claim = past.select_for_update(skip_locked=True, of=("self",)).values_list("pk", "session_id")
    done = 0
    while True:
        with transaction.atomic():
            rows = list(claim[:batch_size])
            model.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
            # One entry per session and batch, as for chat: which call lost how many, never what.
            for session_id, count in Counter(session_id for _, session_id in rows).items():
                session = VideoSession.objects.only("pk", "case_id").get(pk=session_id)
                record(AuditAction.ERASURE, session, detail=_detail(force, EVIDENCE, f" ({count} {label})"))
        done += len(rows)
        if len(rows) < batch_size:
            return done


# --- replies from numbers without a case ---------------------------------------------


def erase_unmatched_replies(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Texts from numbers we never had a case for: no force owns them, so a setting sets the period."""
    days = settings.RETENTION_UNMATCHED_SMS_DAYS
    cutoff = (now or timezone.now()) - timedelta(days=days)
    replies = InboundSms.objects.filter(case__isnull=True, received_at__lt=cutoff).order_by("pk")

    def erase_one(pk) -> None:
        InboundSms.objects.filter(pk=pk).delete()
        record(
            AuditAction.ERASURE,
            object_type="sms.inboundsms",
            object_id=str(pk),
            detail=f"retention: reply from an unknown number past {days} days",
        )

    def claim():
        return replies.select_for_update(skip_locked=True).values_list("pk", flat=True)

    with overwriting_erased_bytes():
        return _in_batches(claim, erase_one, batch_size)
