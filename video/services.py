"""The video session's rules. Views, the signaling consumer and tasks call these."""

import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from control_room import live as dashboard
from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record
from response_platform.lib.crypto import sha256_hex
from response_platform.lib.tokens import new_token
from response_platform.sms.services import queue_sms
from video import sms_wording
from video.events import record_event
from video.live import call_group, push
from video.models import (
    CLOSED_STATES,
    ConsentDecision,
    ConsentRecord,
    ConsentScope,
    EventKind,
    JoinLink,
    SessionState,
    VideoSession,
)
from video.notices import NOTICE_VERSION, notice_sha256

# A second press within this time (a double click, an impatient retry) sends nothing more:
# two texts in a row confuse a frightened person, and the first link would stop working.
DOUBLE_PRESS = timedelta(seconds=15)


class SessionClosed(Exception):
    """The session has ended, expired or been cancelled; nothing more can be sent."""


class LinkJustSent(Exception):
    """A link went to this session moments ago; another would only replace it."""


class ContactErased(Exception):
    """Retention erased the case's number: there is nobody to text."""


def start_session(case, *, by) -> VideoSession:
    return VideoSession.objects.create(case=case, created_by=by)


@transaction.atomic
def start_session_with_link(
    case, *, by, valid_from: datetime | None = None, expires_at: datetime | None = None
) -> VideoSession:
    """Open a session and text its link: one step for the specialist, one transaction.

    A double press returns the session the first press made instead of texting twice.
    `valid_from` / `expires_at` bound the link for a booked call (see send_join_link)."""
    if type(case).objects.select_for_update().get(pk=case.pk).contact_erased_at:  # two presses queue here
        raise ContactErased
    recent = (
        VideoSession.objects.filter(case=case, created_by=by, created_at__gte=timezone.now() - DOUBLE_PRESS)
        .exclude(state__in=CLOSED_STATES)
        .first()
    )
    if recent is not None:
        return recent
    session = start_session(case, by=by)
    send_join_link(session, by=by, valid_from=valid_from, expires_at=expires_at)
    return session


@transaction.atomic
def send_join_link(
    session: VideoSession, *, by, valid_from: datetime | None = None, expires_at: datetime | None = None
) -> JoinLink:
    """Revoke any earlier link, make a new one and text it to the caller.

    By default the link works from now for the force's link lifetime. A booked call
    passes its own window: the link opens at `valid_from` and cannot be first opened
    after `expires_at`, so a text read hours later does not start a call nobody expects."""
    # Only the session row is locked: locking the force too would queue every send in the force.
    session = VideoSession.objects.select_for_update(of=("self",)).select_related("case__force").get(pk=session.pk)
    if session.is_closed:
        raise SessionClosed
    if session.case.contact_erased_at:
        raise ContactErased
    if session.links.filter(revoked_at__isnull=True, created_at__gte=timezone.now() - DOUBLE_PRESS).exists():
        raise LinkJustSent
    if _revoke_active_links(session):
        _disconnect_revoked_devices(session)
    force = session.case.force
    token, token_hash = new_token()
    now = timezone.now()
    expires_at = expires_at or now + timedelta(minutes=force.join_link_minutes)
    minutes = _minutes_left(now, expires_at)
    wording = sms_wording.template_for(force, session.case.preferred_language)
    sms = queue_sms(
        to=session.case.victim_phone,
        body=sms_wording.render(wording, sms_wording.join_url(token), minutes),
        record_body=sms_wording.render(wording, "[link]", minutes),
    )
    link = JoinLink.objects.create(
        session=session, token_hash=token_hash, expires_at=expires_at, valid_from=valid_from, sms=sms
    )
    if session.state == SessionState.CREATED:
        _set_state(session, SessionState.LINK_SENT)
    record_event(case=session.case, session=session, kind=EventKind.SMS_QUEUED, actor=by)
    return link


def _minutes_left(now: datetime, expires_at: datetime) -> int:
    """What the text says about the link's lifetime: whole minutes, rounded up."""
    return max(1, -(-int((expires_at - now).total_seconds()) // 60))


def _revoke_active_links(session: VideoSession) -> int:
    return JoinLink.objects.filter(session=session, revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def revoke_links(session: VideoSession, *, by) -> None:
    if _revoke_active_links(session):
        record_event(case=session.case, session=session, kind=EventKind.LINK_REVOKED, actor=by)
        _disconnect_revoked_devices(session)


def _disconnect_revoked_devices(session: VideoSession) -> None:
    """A phone still connected on a revoked link leaves the call (staff sockets ignore this)."""
    transaction.on_commit(lambda: push(call_group(session.pk), {"type": "session.closed", "reason": "revoked"}))


@transaction.atomic
def end_session(session: VideoSession, *, by=None, kind: str = EventKind.ENDED) -> bool:
    session = VideoSession.objects.select_for_update().get(pk=session.pk)
    if session.is_closed:
        return False
    _revoke_active_links(session)
    _set_state(session, SessionState.EXPIRED if kind == EventKind.EXPIRED else SessionState.ENDED)
    record_event(case=session.case, session=session, kind=kind, actor=by)
    transaction.on_commit(lambda: push(call_group(session.pk), {"type": "session.closed", "reason": "ended"}))
    return True


def _set_state(session: VideoSession, state: str) -> None:
    session.state = state
    fields = ["state"]
    if state in CLOSED_STATES:
        session.ended_at = timezone.now()
        fields.append("ended_at")
    session.save(update_fields=fields)
    dashboard.session_changed(session.pk)


def move_state(session_id, *, from_states: set, to: str) -> bool:
    """Conditional transition, safe when two sockets race to make it."""
    moved = bool(VideoSession.objects.filter(pk=session_id, state__in=from_states).update(state=to))
    if moved:
        dashboard.session_changed(session_id)
    return moved


# --- The caller's device ------------------------------------------------------


def redeem(token: str, device_secret: str | None) -> tuple[JoinLink, str] | None:
    """Bind a link to the device that opens it first.

    Returns (link, device secret for the cookie), or None for every kind of
    refusal (unknown, expired, revoked, another device), so a page can never
    tell an attacker which one applied.
    """
    now = timezone.now()
    with transaction.atomic():
        link = (
            JoinLink.objects.select_for_update(of=("self",))
            .select_related("session__case")
            .filter(token_hash=sha256_hex(token), revoked_at__isnull=True)
            .first()
        )
        if link is None or link.session.is_closed:
            return None
        if link.redeemed_at is not None:
            # Opening the link again on the same phone is fine; any other device is not.
            if device_secret and secrets.compare_digest(sha256_hex(device_secret), link.device_hash):
                return link, device_secret
            return None
        if link.expires_at <= now:
            return None
        device_secret = secrets.token_urlsafe(32)
        link.redeemed_at = now
        link.device_hash = sha256_hex(device_secret)
        link.save(update_fields=["redeemed_at", "device_hash"])
        record_event(case=link.session.case, session=link.session, kind=EventKind.LINK_OPENED)
        dashboard.session_changed(link.session_id)
    return link, device_secret


def link_for_device(device_secret: str | None) -> JoinLink | None:
    """The live link bound to this device, or None."""
    if not device_secret:
        return None
    link = (
        JoinLink.objects.select_related("session__case__force")
        .filter(device_hash=sha256_hex(device_secret), revoked_at__isnull=True)
        .first()
    )
    if link is None or link.session.is_closed:
        return None
    return link


def record_consent(session: VideoSession, *, decisions: dict[str, bool], language: str) -> None:
    """Store each decision with the hash of the exact notice the caller read."""
    digest = notice_sha256()
    with transaction.atomic():
        for scope, granted in decisions.items():
            consent = ConsentRecord.objects.create(
                case=session.case,
                session=session,
                scope=scope,
                decision=ConsentDecision.GRANTED if granted else ConsentDecision.REFUSED,
                notice_version=NOTICE_VERSION,
                notice_sha256=digest,
                language=language,
            )
            record(AuditAction.COLLECTION, consent, detail="consent given on the caller's device")
            kind = EventKind.CONSENT_GRANTED if granted else EventKind.CONSENT_REFUSED
            record_event(case=session.case, session=session, kind=kind, detail=str(scope))
        dashboard.session_changed(session.pk)


@transaction.atomic
def record_first_consent(session: VideoSession, *, decisions: dict[str, bool], language: str) -> bool:
    """The answers from the consent screen, stored once.

    Returns False, storing nothing, when the screen was already answered: a
    double tap or the back button must not add a second set of decisions. The
    row lock makes two submits that arrive together answer once.
    """
    session = VideoSession.objects.select_for_update(of=("self",)).select_related("case").get(pk=session.pk)
    if current_consent(session, ConsentScope.VIDEO) is not None:
        return False
    record_consent(session, decisions=decisions, language=language)
    return True


def current_consent(session: VideoSession, scope: str) -> str | None:
    latest = session.consents.filter(scope=scope).order_by("-created_at", "-pk").first()
    return latest.decision if latest else None
