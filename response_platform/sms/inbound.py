"""Texts victims send back: record them, attach them to their case, honour STOP and START."""

import logging
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record
from response_platform.cases.models import Case, CaseStatus
from response_platform.sms import optout
from response_platform.sms.models import InboundSms, OptOutSource

log = logging.getLogger(__name__)

# Twilio's own opt-out and opt-in keywords: the whole message, trimmed, any case.
# Twilio stops delivering our texts on these by itself, so we must agree with it.
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}
# Not "YES": a victim answering a check-in with "yes" is not asking to be texted again.
START_WORDS = {"START", "UNSTOP"}
# Twilio's sids are 34 letters and digits ("SM" + 32 hex); anything else is not Twilio.
SID = re.compile(r"[A-Za-z0-9]{2,64}")
# Twilio joins a long reply into one message of at most 1,600 characters.
MAX_BODY = 1600


class BadReply(ValueError):
    """The webhook's fields are not a text we can record."""


@dataclass(frozen=True)
class Recorded:
    reply: InboundSms
    created: bool  # False for a redelivery of a text already recorded


def keyword_of(body: str) -> str:
    word = body.strip().upper()
    if word in STOP_WORDS:
        return "stop"
    if word in START_WORDS:
        return "start"
    return ""


def case_for(index: str) -> Case | None:
    """The newest open case with this number, else its newest case.

    One case only, even when several forces hold the number: a reply's words go to
    one force, the one most recently working with the victim. STOP still reaches
    every force's case page through the opt-out itself.
    """
    cases = Case.objects.filter(victim_phone_index=index).order_by("-created_at")
    return cases.filter(status=CaseStatus.OPEN).first() or cases.first()


def record_reply(*, sid: str, from_number: str, body: str) -> Recorded:
    """Store a reply once per provider sid, apply STOP/START, and tell the case page."""
    sid, body = sid.strip(), body[:MAX_BODY]
    index = optout.phone_index(from_number)
    if not SID.fullmatch(sid) or index is None:
        raise BadReply("a reply needs a MessageSid and a From number")
    existing = InboundSms.objects.filter(provider_sid=sid).first()
    if existing is not None:
        return Recorded(existing, created=False)
    try:
        with transaction.atomic():
            reply = _store(sid=sid, from_number=from_number, index=index, body=body)
    except IntegrityError:
        # The same sid delivered twice at once: the other request stored it.
        return Recorded(InboundSms.objects.get(provider_sid=sid), created=False)
    log.info("sms reply recorded: case=%s keyword=%s", "yes" if reply.case_id else "none", reply.keyword or "-")
    return Recorded(reply, created=True)


def _store(*, sid: str, from_number: str, index: str, body: str) -> InboundSms:
    keyword = keyword_of(body)
    case = case_for(index)
    reply = InboundSms.objects.create(
        provider_sid=sid, from_number=from_number, from_index=index, body=body, case=case, keyword=keyword
    )
    record(AuditAction.COLLECTION, reply, detail="sms webhook: a text from the caller's number")
    if case is not None:
        # The sender was matched to a case by the blind index of their number.
        record(AuditAction.COMBINATION, reply, detail="sms webhook: reply matched to its case by number")
    if keyword == "stop":
        optout.opt_out(from_number, OptOutSource.KEYWORD)
    elif keyword == "start":
        optout.opt_in(from_number)
    if case is not None:
        _announce(case.pk)
    return reply


def mark_read(reply: InboundSms, *, by) -> bool:
    """Someone has seen the reply. Returns whether it was unread."""
    changed = InboundSms.objects.filter(pk=reply.pk, read_at__isnull=True).update(read_at=timezone.now(), read_by=by)
    if changed and reply.case_id:
        _announce(reply.case_id)
    return bool(changed)


def _announce(case_id) -> None:
    from response_platform.cases.panels import case_panel_changed

    transaction.on_commit(lambda: case_panel_changed(case_id, "replies"))
