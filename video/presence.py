"""Who is connected to a session and who is in the call, kept in the database.

Synchronous ORM functions; the consumer calls them through database_sync_to_async.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from response_platform.accounts.models import User
from response_platform.accounts.permissions import (
    CONTACT_ROLES,
    can_attend_as_officer,
    can_join_calls,
    can_observe,
)
from response_platform.accounts.sockets import verified_staff_from_scope
from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record
from video import guests, services
from video.events import record_event
from video.models import (
    CallInvitation,
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
# A mesh: every browser sends its media to every other, so a phone's uplink caps the call.
MAX_IN_CALL = 4


class CallFull(Exception):
    """The call already has MAX_IN_CALL people in it (observers count: they receive every stream)."""


@dataclass(frozen=True)
class Identity:
    session: VideoSession
    role: str
    user: User | None = None
    # Set for an invited officer or a guest: removing the invitation closes their socket.
    invitation: CallInvitation | None = None


def identify(scope, session_id) -> Identity | None:
    """Staff of the session's force (two factors verified), an invited officer or guest,
    or the caller's bound device."""
    user = verified_staff_from_scope(scope)
    if user is not None:
        return _staff(user, session_id)
    invitation = guests.invitation_for_device(scope.get("cookies", {}).get(guests.GUEST_COOKIE))
    if invitation is not None:
        if str(invitation.session_id) != str(session_id):
            return None
        return Identity(session=invitation.session, role=ParticipantRole.GUEST, invitation=invitation)
    link = services.link_for_device(scope.get("cookies", {}).get(DEVICE_COOKIE))
    if link is None or str(link.session_id) != str(session_id):
        return None
    if services.current_consent(link.session, ConsentScope.VIDEO) is None:
        return None  # the consent screen comes first
    return Identity(session=link.session, role=ParticipantRole.VICTIM)


def _staff(user, session_id) -> Identity | None:
    """Staff who may join calls of their force, or an officer invited into this one."""
    session = VideoSession.objects.select_related("case").filter(pk=session_id, case__force_id=user.force_id).first()
    if session is None or session.is_closed:
        return None
    if can_join_calls(user):
        return Identity(session=session, role=ParticipantRole.STAFF, user=user)
    invitation = guests.officer_invitation(user, session_id)
    if can_attend_as_officer(user, session, invited=invitation is not None):
        return Identity(session=session, role=ParticipantRole.STAFF, user=user, invitation=invitation)
    return None


def standing(scope: dict, participant: Participant) -> str | None:
    """Why an open socket must now close ("ended", "revoked", "forbidden"), or None.

    Asked again from time to time because the push that says so travels over the
    channel layer, which may lose it."""
    identity = identify(scope, participant.session_id)
    # identify() read the session afresh; when it refused, the session is read after it, so one
    # ended in between closes the socket as "ended", not as a refusal of who is connected.
    if identity is not None:
        session: VideoSession | None = identity.session
    else:
        session = VideoSession.objects.filter(pk=participant.session_id).only("state").first()
    if session is None or session.is_closed:
        return "ended"
    if identity is None or identity.role != participant.role:
        return "revoked" if participant.role == ParticipantRole.VICTIM else "forbidden"
    Participant.objects.filter(pk=participant.pk).update(last_seen=timezone.now())
    return None


def heartbeat_seconds() -> float:
    """How often an open socket rechecks its standing and renews its presence."""
    return getattr(settings, "SIGNALING_RECHECK_SECONDS", HEARTBEAT_SECONDS)


def connect(identity: Identity, channel_name: str) -> Participant:
    return Participant.objects.create(
        session=identity.session,
        role=identity.role,
        user=identity.user,
        channel_name=channel_name,
        invitation=identity.invitation,
    )


def may_talk_to_the_caller(identity: Identity) -> bool:
    """The caller, and staff who may contact victims. A call handler may watch the session's
    record live but not join the call, chat or signal."""
    if identity.role in (ParticipantRole.VICTIM, ParticipantRole.GUEST) or identity.invitation is not None:
        return True  # the caller, a guest, an invited officer: each was let into this call
    # identify() has checked the two factors and the force; only the role is left to decide.
    return identity.user is not None and identity.user.role in CONTACT_ROLES


def may_use_media(participant: Participant) -> bool:
    if participant.role != ParticipantRole.VICTIM:
        return True
    return services.current_consent(participant.session, ConsentScope.VIDEO) == ConsentDecision.GRANTED


def may_observe(participant: Participant) -> bool:
    """Listening in is for control-room staff who could also step in, not guests or invited officers."""
    return participant.invitation_id is None and participant.user is not None and can_observe(participant.user)


@transaction.atomic
def join_call(participant: Participant, *, observe: bool = False) -> tuple[list[dict], bool]:
    """Mark the participant in the call; return the peers already there and whether this was news.

    A second "join" on the same socket (a double tap) answers again but is not
    recorded or announced twice. Raises CallFull when MAX_IN_CALL are already in."""
    # Two joins at once must not both take the last place: they queue on the session's row.
    VideoSession.objects.select_for_update().filter(pk=participant.session_id).first()
    others = in_call(participant.session_id).exclude(pk=participant.pk)
    still_out = Participant.objects.filter(pk=participant.pk, in_call=False, left_at__isnull=True)
    if still_out.exists() and others.count() >= MAX_IN_CALL:
        raise CallFull
    newly = still_out.update(in_call=True, observing=observe) == 1
    participant.in_call = True
    if newly:
        participant.observing = observe
    peers = [describe(p) for p in others]
    if newly:
        _record(participant, _joined_kind(participant))
        _update_state(participant.session)
    return peers, newly


def _joined_kind(participant: Participant) -> str:
    if participant.observing:
        return EventKind.OBSERVER_JOINED
    if participant.role == ParticipantRole.GUEST:
        return EventKind.GUEST_JOINED
    return EventKind.JOINED


def step_in(participant: Participant) -> bool:
    """An observer becomes a full participant (sends media from now on). False if they were not observing."""
    changed = Participant.objects.filter(pk=participant.pk, in_call=True, observing=True).update(observing=False)
    participant.observing = False
    if changed:
        _record(participant, EventKind.STEPPED_IN)
    return bool(changed)


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
    record_event(case=session.case, session=session, kind=kind, actor=participant.user, detail=label(participant))


def label(participant: Participant) -> str:
    """What others see: the role, or for a guest what they were invited as (never a name)."""
    invitation = participant.invitation if participant.invitation_id else None
    if participant.role == ParticipantRole.GUEST and invitation is not None:
        return str(invitation.get_kind_display())
    return participant.label


def in_call(session_id):
    """Who is in the call: connected, joined, and renewed recently (three missed beats = gone)."""
    fresh_since = timezone.now() - timedelta(seconds=3 * heartbeat_seconds())
    return (
        Participant.objects.filter(
            session_id=session_id, in_call=True, left_at__isnull=True, last_seen__gte=fresh_since
        )
        .select_related("invitation")
        .order_by("connected_at")
    )


def _update_state(session: VideoSession) -> None:
    # An observer listening in is not yet talking to the caller.
    roles = set(in_call(session.pk).filter(observing=False).values_list("role", flat=True))
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
    already = participant.session.events.filter(kind=EventKind.MEDIA_CONNECTED, detail=label(participant)).exists()
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
    return {
        "id": str(participant.pk),
        "role": participant.role,
        "label": label(participant),
        "observing": participant.observing,
    }


def presence(session_id) -> list[dict]:
    return [describe(p) for p in in_call(session_id)]


# --- poor connections and silent contact ----------------------------------------

# How the session record names each rung of the call; staff-facing, so English labels.
MODE_LABELS = {"video": "video", "low": "low video", "audio": "sound only", "text": "text only"}


def reconnected(participant: Participant, previous_id: str) -> str | None:
    """The earlier participant this socket takes over from after a dropped connection, or None.

    Only a participant of the same session, role and user that has already gone counts,
    so a page cannot take over someone else's place in the call."""
    earlier = Participant.objects.filter(
        pk=previous_id, session_id=participant.session_id, role=participant.role, left_at__isnull=False
    ).first()
    if earlier is None or earlier.pk == participant.pk or earlier.user_id != participant.user_id:
        return None
    _record(participant, EventKind.RECONNECTED)
    return str(earlier.pk)


def record_mode(participant: Participant, mode: str, reason: str) -> None:
    """The call mode a participant now sends in, once per change (a rejoin announces it again)."""
    why = "chosen" if reason == "chosen" else ("poor connection" if mode != "video" else "connection recovered")
    detail = f"{participant.label} · {MODE_LABELS[mode]} · {why}"
    session = participant.session
    last = (
        session.events.filter(kind=EventKind.MEDIA_MODE, detail__startswith=f"{participant.label} · ")
        .order_by("-at", "-pk")
        .values_list("detail", flat=True)
        .first()
    )
    if last is None and mode == "video":
        return  # the call starts on video: only a change is worth a line in the record
    if last != detail:
        actor = participant.user
        record_event(case=session.case, session=session, kind=EventKind.MEDIA_MODE, actor=actor, detail=detail)


def case_language(participant: Participant) -> str:
    """Read afresh: the specialist may correct the caller's language during the call."""
    return VideoSession.objects.filter(pk=participant.session_id).values_list("case__preferred_language", flat=True)[0]


def save_question(participant: Participant, text: str, english: str | None) -> dict:
    """A yes/no question from the specialist, stored as a chat line in the words the caller reads."""
    frame = save_chat(participant, text)
    return frame | {"question": True, "english": english}


def question_was_asked(participant: Participant, message_id: int) -> bool:
    """The answered line is a specialist's message in this same session."""
    return ChatMessage.objects.filter(
        pk=message_id, session_id=participant.session_id, sender__role=ParticipantRole.STAFF
    ).exists()
