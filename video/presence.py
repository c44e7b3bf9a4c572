"""Who is connected to a session and who is in the call, kept in the database.

Synchronous ORM functions; the consumer calls them through database_sync_to_async.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from response_platform.accounts.models import User
from response_platform.accounts.permissions import CONTACT_ROLES, can_join_calls
from response_platform.accounts.sockets import verified_staff_from_scope
from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record
from video import services
from video.events import record_event
from video.models import (
    ChatMessage,
    ConsentDecision,
    ConsentScope,
    EventKind,
    Participant,
    ParticipantRole,
    SessionState,
    VideoSession,
)

DEVICE_COOKIE = "vdevice"
HEARTBEAT_SECONDS = 15


@dataclass(frozen=True)
class Identity:
    session: VideoSession
    role: str
    user: User | None = None


def identify(scope, session_id) -> Identity | None:
    """Staff of the session's force (two factors verified), or the caller's bound device."""
    user = verified_staff_from_scope(scope)
    if user is not None:
        if not can_join_calls(user):
            return None
        session = (
            VideoSession.objects.select_related("case").filter(pk=session_id, case__force_id=user.force_id).first()
        )
        if session is None or session.is_closed:
            return None
        return Identity(session=session, role=ParticipantRole.STAFF, user=user)
    link = services.link_for_device(scope.get("cookies", {}).get(DEVICE_COOKIE))
    if link is None or str(link.session_id) != str(session_id):
        return None
    if services.current_consent(link.session, ConsentScope.VIDEO) is None:
        return None  # the consent screen comes first
    return Identity(session=link.session, role=ParticipantRole.VICTIM)


def standing(scope: dict, participant: Participant) -> str | None:
    """Why an open socket must now close ("ended", "revoked", "forbidden"), or None.

    Asked again from time to time because the push that says so travels over the
    channel layer, which may lose it."""
    session = VideoSession.objects.filter(pk=participant.session_id).only("state").first()
    if session is None or session.is_closed:
        return "ended"
    identity = identify(scope, participant.session_id)
    if identity is None or identity.role != participant.role:
        return "revoked" if participant.role == ParticipantRole.VICTIM else "forbidden"
    Participant.objects.filter(pk=participant.pk).update(last_seen=timezone.now())
    return None


def heartbeat_seconds() -> float:
    """How often an open socket rechecks its standing and renews its presence."""
    return getattr(settings, "SIGNALING_RECHECK_SECONDS", HEARTBEAT_SECONDS)


def connect(identity: Identity, channel_name: str) -> Participant:
    return Participant.objects.create(
        session=identity.session, role=identity.role, user=identity.user, channel_name=channel_name
    )


def may_talk_to_the_caller(identity: Identity) -> bool:
    """The caller, and staff who may contact victims. A call handler may watch the session's
    record live but not join the call, chat or signal."""
    if identity.role == ParticipantRole.VICTIM:
        return True
    # identify() has checked the two factors and the force; only the role is left to decide.
    return identity.user is not None and identity.user.role in CONTACT_ROLES


def may_use_media(participant: Participant) -> bool:
    if participant.role != ParticipantRole.VICTIM:
        return True
    return services.current_consent(participant.session, ConsentScope.VIDEO) == ConsentDecision.GRANTED


def join_call(participant: Participant) -> tuple[list[dict], bool]:
    """Mark the participant in the call; return the peers already there and whether this was news.

    A second "join" on the same socket (a double tap) answers again but is not
    recorded or announced twice."""
    newly = Participant.objects.filter(pk=participant.pk, in_call=False, left_at__isnull=True).update(in_call=True) == 1
    participant.in_call = True
    peers = [describe(p) for p in in_call(participant.session_id).exclude(pk=participant.pk)]
    if newly:
        _record(participant, EventKind.JOINED)
        _update_state(participant.session)
    return peers, newly


def leave(participant: Participant, *, disconnected: bool) -> bool:
    """Take the participant out of the call (and off the session when the socket closed).

    Returns whether they were in the call, so the others can be told."""
    was_in_call = Participant.objects.filter(pk=participant.pk, in_call=True).update(in_call=False) == 1
    if disconnected:
        Participant.objects.filter(pk=participant.pk).update(left_at=timezone.now())
    if was_in_call:
        _record(participant, EventKind.LEFT)
    participant.in_call = False
    return was_in_call


def _record(participant: Participant, kind: str) -> None:
    session = participant.session
    record_event(case=session.case, session=session, kind=kind, actor=participant.user, detail=participant.label)


def in_call(session_id):
    """Who is in the call: connected, joined, and renewed recently (three missed beats = gone)."""
    fresh_since = timezone.now() - timedelta(seconds=3 * heartbeat_seconds())
    return Participant.objects.filter(
        session_id=session_id, in_call=True, left_at__isnull=True, last_seen__gte=fresh_since
    ).order_by("connected_at")


def _update_state(session: VideoSession) -> None:
    roles = set(in_call(session.pk).values_list("role", flat=True))
    if ParticipantRole.VICTIM not in roles:
        return
    if ParticipantRole.STAFF in roles:
        services.move_state(
            session.pk,
            from_states={SessionState.LINK_SENT, SessionState.VICTIM_WAITING, SessionState.CREATED},
            to=SessionState.IN_CALL,
        )
    else:
        services.move_state(
            session.pk, from_states={SessionState.LINK_SENT, SessionState.CREATED}, to=SessionState.VICTIM_WAITING
        )


def channel_of_peer(participant: Participant, peer_id: str) -> str | None:
    """The channel of a peer in the same call, or None: a client cannot signal outside its session."""
    return (
        in_call(participant.session_id)
        .filter(pk=peer_id)
        .exclude(pk=participant.pk)
        .values_list("channel_name", flat=True)
        .first()
    )


def record_media_connected(participant: Participant) -> None:
    already = participant.session.events.filter(kind=EventKind.MEDIA_CONNECTED, detail=participant.label).exists()
    if not already:
        _record(participant, EventKind.MEDIA_CONNECTED)


@transaction.atomic
def save_chat(participant: Participant, text: str) -> dict:
    message = ChatMessage.objects.create(session_id=participant.session_id, sender=participant, text=text)
    # DPA 2018 s.62: a chat line is personal data collected (from the caller) or written about them.
    record(AuditAction.COLLECTION, message, actor=participant.user, detail=f"chat from {participant.role}")
    return chat_frame(message, participant.role)


def chat_history(session_id) -> list[dict]:
    messages = ChatMessage.objects.filter(session_id=session_id).select_related("sender")
    return [chat_frame(m, m.sender.role) for m in messages]


def chat_frame(message: ChatMessage, role: str) -> dict:
    return {"type": "chat", "id": message.pk, "role": role, "text": message.text, "at": message.sent_at.isoformat()}


def describe(participant: Participant) -> dict:
    return {"id": str(participant.pk), "role": participant.role, "label": participant.label}


def presence(session_id) -> list[dict]:
    return [describe(p) for p in in_call(session_id)]
