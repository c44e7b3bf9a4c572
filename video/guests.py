"""Inviting others into a call: an officer of the force, or a guest (interpreter, advocate).

A guest's link works like the caller's: 128 random bits, only its hash stored, bound
to the first device that opens it, dead once the session closes or the specialist
removes the guest. The text and the email carry the link and nothing else: no
incident, no name, no number.
"""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record
from response_platform.lib.crypto import sha256_hex
from response_platform.lib.tokens import new_token
from response_platform.sms.services import queue_sms
from video.events import record_event
from video.live import push
from video.models import CLOSED_STATES, CallInvitation, EventKind, InviteeKind, VideoSession

log = logging.getLogger(__name__)

GUEST_COOKIE = "vguest"
# A guest link not opened within this time is dead even while the session goes on.
GUEST_LINK_LIFETIME = timedelta(hours=4)
# The same words by text and by email: the link only.
INVITE_TEXT = "You are invited to join a video call as {role}. Open this link on your own device: {link}"


class AlreadyInvited(Exception):
    """That officer already has a live invitation to this call."""


def invitation_group(invitation_id) -> str:
    """The sockets opened through one invitation, so removing it closes them at once."""
    return f"invitation.{invitation_id}"


def guest_url(token: str) -> str:
    return settings.PUBLIC_BASE_URL + reverse("video:guest-redeem", args=[token])


def live(session: VideoSession):
    """Invitations not removed, for the session page's list."""
    return session.invitations.filter(revoked_at__isnull=True).select_related("user").order_by("created_at")


@transaction.atomic
def invite_officer(session: VideoSession, *, officer, by) -> CallInvitation:
    """The officer may then open the session page and join the call with their own sign-in."""
    if session.invitations.filter(user=officer, revoked_at__isnull=True).exists():
        raise AlreadyInvited
    invitation = CallInvitation.objects.create(
        session=session, kind=InviteeKind.OFFICER, user=officer, invited_by=by, expires_at=_expiry()
    )
    _recorded(invitation, by=by, recipient=f"officer {officer.pk}", how="staff link")
    return invitation


@transaction.atomic
def invite_guest(session: VideoSession, *, kind: str, by, phone: str = "", email: str = "") -> CallInvitation:
    """Send a single-use link by text (`phone`, E.164) or email. The address is not kept here:
    a number lives on the text message like any other, an email address nowhere."""
    token, token_hash = new_token()
    invitation = CallInvitation(session=session, kind=kind, token_hash=token_hash, invited_by=by, expires_at=_expiry())
    body = INVITE_TEXT.format(role=_role_words(kind), link=guest_url(token))
    if phone:
        invitation.sent_by = "sms"
        invitation.sms = queue_sms(to=phone, body=body, record_body=INVITE_TEXT.format(role=kind, link="[link]"))
    else:
        invitation.sent_by = "email"
        transaction.on_commit(lambda: _email(email, body))
    invitation.save()
    _recorded(invitation, by=by, recipient=f"{kind} by {invitation.sent_by}", how="guest link")
    # The only moment the token exists outside the message; never stored (tests read it here).
    invitation.link = guest_url(token)
    return invitation


def _expiry():
    return timezone.now() + GUEST_LINK_LIFETIME


def _role_words(kind: str) -> str:
    return {InviteeKind.INTERPRETER: "an interpreter", InviteeKind.ADVOCATE: "an advocate"}.get(kind, "a guest")


def _email(address: str, body: str) -> None:
    try:
        send_mail(_("Video call invitation"), body, None, [address])
    except Exception as exc:  # the specialist sees no "joined" and can send by text instead
        log.warning("guest invitation email failed: %s", type(exc).__name__)


def _recorded(invitation: CallInvitation, *, by, recipient: str, how: str) -> None:
    session = invitation.session
    # DPA 2018 s.62: letting someone into the call discloses the caller's voice and image to them.
    record(AuditAction.DISCLOSURE, session, actor=by, recipient=recipient, detail=f"invited to the call ({how})")
    detail = str(invitation.get_kind_display())
    record_event(case=session.case, session=session, kind=EventKind.INVITED, actor=by, detail=detail)


@transaction.atomic
def remove(invitation: CallInvitation, *, by) -> bool:
    """Kill the link and close every socket opened through it. False if it was already removed."""
    removed = CallInvitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if not removed:
        return False
    session = invitation.session
    record(AuditAction.ALTERATION, session, actor=by, detail=f"{invitation.kind} removed from the call")
    record_event(
        case=session.case, session=session, kind=EventKind.GUEST_REMOVED, actor=by, detail=invitation.get_kind_display()
    )
    transaction.on_commit(lambda: push(invitation_group(invitation.pk), {"type": "invitation.removed"}))
    return True


# --- the guest's device ------------------------------------------------------------------


def redeem(token: str, device_secret: str | None) -> tuple[CallInvitation, str] | None:
    """Bind the link to the device that opens it first; None for every kind of refusal alike."""
    now = timezone.now()
    with transaction.atomic():
        invitation = (
            CallInvitation.objects.select_for_update(of=("self",))
            .select_related("session")
            .filter(token_hash=sha256_hex(token), revoked_at__isnull=True, user__isnull=True)
            .first()
        )
        if invitation is None or invitation.session.is_closed:
            return None
        if invitation.redeemed_at is not None:
            if device_secret and secrets.compare_digest(sha256_hex(device_secret), invitation.device_hash):
                return invitation, device_secret
            return None
        if invitation.expires_at <= now:
            return None
        device_secret = secrets.token_urlsafe(32)
        invitation.redeemed_at = now
        invitation.device_hash = sha256_hex(device_secret)
        invitation.save(update_fields=["redeemed_at", "device_hash"])
    return invitation, device_secret


def invitation_for_device(device_secret: str | None) -> CallInvitation | None:
    """The live guest invitation bound to this device, or None."""
    if not device_secret:
        return None
    invitation = (
        CallInvitation.objects.select_related("session__case__force")
        .filter(device_hash=sha256_hex(device_secret), revoked_at__isnull=True, user__isnull=True)
        .first()
    )
    if invitation is None or invitation.session.is_closed:
        return None
    return invitation


def officer_invitation(user, session_id) -> CallInvitation | None:
    """The officer's live invitation to this session, if any."""
    return (
        CallInvitation.objects.filter(session_id=session_id, user_id=user.pk, revoked_at__isnull=True)
        .exclude(session__state__in=CLOSED_STATES)
        .first()
    )


def officer_calls(user) -> list[CallInvitation]:
    """Open calls the officer is invited to, newest first: their start page."""
    return list(
        CallInvitation.objects.filter(user_id=user.pk, revoked_at__isnull=True, session__case__force_id=user.force_id)
        .exclude(session__state__in=CLOSED_STATES)
        .select_related("session__case", "invited_by")
        .order_by("-created_at")
    )
