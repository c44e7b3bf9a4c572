"""A case with something of every class of personal data, made the way the product makes it.

Texts go through the Twilio backend (faked at HTTP) rather than the dev outbox, whose
table plays the caller's phone and is not ours to erase.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.test import TestCase
from django.utils import timezone

from followups import services as followups
from followups.models import FollowUp, FollowUpKind
from referrals.models import Referral
from response_platform.cases.models import Case
from response_platform.retention import services as retention
from response_platform.sms.inbound import record_reply
from tests.personas import open_case
from tests.referrals.referring import assess, refer
from video import services as video
from video.models import ParticipantRole, VideoSession
from video.presence import save_chat

PHONE = "+447700900456"
NOTES = "Safe to call before nine; Darren reads her phone in the evening"
WINDOWS = [{"days": [1, 3], "start": "08:00", "end": "09:00"}]
CHAT = "He took my car keys, I am hiding at Marigold Cottage"
REPLY = "Please ring me at Aunt Priya's on Thursday"


@dataclass
class Scene:
    case: Case
    session: VideoSession
    referral: Referral
    follow_up: FollowUp


def build(people, twilio, *, reference: str = "INC-7001") -> Scene:
    by = people.alice
    case = open_case(by, phone=PHONE, reference=reference)
    followups.save_contact_times(case, by=by, contact_windows=WINDOWS, notes=NOTES)
    session = video.start_session(case, by=by)
    twilio.accepts()
    with TestCase.captureOnCommitCallbacks(execute=True):
        video.send_join_link(session, by=by)
    caller = session.participants.create(role=ParticipantRole.VICTIM, channel_name="caller")
    save_chat(caller, CHAT)
    assess(case, by)
    referral = refer(case, people.service_a, by)  # an IDVA service: it is given the number
    with TestCase.captureOnCommitCallbacks(execute=True):
        record_reply(sid="SM" + secrets.token_hex(16), from_number=PHONE, body=REPLY)
        follow_up = followups.schedule(
            case, by=by, kind=FollowUpKind.CALLBACK, due_at=timezone.now() + timedelta(minutes=5)
        )
    case.refresh_from_db()
    return Scene(case=case, session=session, referral=referral, follow_up=follow_up)


def days_later(days: float) -> datetime:
    """A moment `days` after the scene's last activity (its follow-up, due in five minutes)."""
    return timezone.now() + timedelta(minutes=5, days=days)


def run(force, days: float) -> dict[str, int]:
    """The retention run of `force` as it would happen `days` after the scene's last activity."""
    return retention.apply_retention(force, now=days_later(days))
