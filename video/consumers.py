"""Signaling for one video session at /ws/sessions/<id>/.

The server authenticates each socket (staff: two-factor Django session of the
session's force; caller: the device cookie), stamps the sender on every frame
and relays it to one named peer. Media never passes through here.
Bad input gets an error frame or a close code; the consumer never raises.

The channel layer is a hint, not the record: it delivers at most once and
forgets everything when Redis restarts. So a failed push is logged and the
caller carries on, a socket that can no longer hear the layer is closed so its
page reconnects and resynchronises from the database, and every socket
rechecks the database now and then for an end or revocation it was not told of.
"""

import asyncio
import json
import logging
import random
import time
import traceback
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from response_platform.accounts.sockets import user_group
from video import guests, presence, quick_questions
from video.ice import ice_servers
from video.live import call_group, staff_group
from video.models import ParticipantRole
from video.protocol import ProtocolError, TokenBucket, parse, sends_media

log = logging.getLogger(__name__)

CLOSE_FORBIDDEN = 4403
CLOSE_RATE_LIMITED = 4429
CLOSE_TOO_LARGE = 1009
CLOSE_SESSION_ENDED = 4000
# 1013 "Try Again Later": the page reconnects with backoff and rebuilds its state from the database.
CLOSE_TRY_AGAIN = 1013
RATE_PER_SECOND = 20
BURST = 60
# Refused frames (too fast or malformed) a client may run up before it is cut off.
# The allowance refills slowly, so an occasional burst is forgiven and a flood is not.
STRIKES = 100
STRIKES_PER_SECOND = 1
# Frames that reach the caller: only the caller and staff who may contact victims send them.
CALLER_CONTACT_FRAMES = {"join", "signal", "chat", "media", "mode", "question", "answer"}
# A guest (interpreter, advocate) takes part in the call and nothing else: no chat, no coaching.
GUEST_FRAMES = {"join", "signal", "media", "leave", "ping"}
# A rate-limited client is told on its first refused frame and then every 20th, not on each.
RATE_LIMIT_NOTICE_EVERY = 20


def _database_threads() -> ThreadPoolExecutor | None:
    threads = settings.SIGNALING_DB_THREADS
    return ThreadPoolExecutor(threads, thread_name_prefix="signaling-db") if threads else None


_DB_THREADS = _database_threads()


def _db(func: Callable) -> Callable[..., Awaitable]:
    """`func` (ORM work) run off the event loop.

    On PostgreSQL in a small pool of threads (SIGNALING_DB_THREADS), each with its own
    persistent connection: on asgiref's one shared thread every socket's ORM calls queue
    behind each other, a chat save (a write and an audit row lock) included. On SQLite,
    that one thread, as SQLite takes one writer at a time. A socket still awaits its own
    calls one by one, so its frames keep their order.
    """
    if _DB_THREADS is None:
        return database_sync_to_async(func)
    return database_sync_to_async(func, thread_sensitive=False, executor=_DB_THREADS)


def _log_failure(what: str, exc: BaseException, level: int = logging.ERROR) -> None:
    """Type and code location only: exception messages can quote data (a chat line, a row)."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    log.log(level, "signaling: %s failed: %s at %s", what, type(exc).__name__, where)


def _sends(frame: dict) -> bool:
    """A listener's description that would send media (the server refuses to relay it)."""
    description = frame.get("description")
    return description is not None and sends_media(description.get("sdp", ""))


class SessionConsumer(AsyncWebsocketConsumer):
    # The rate limiter's clock; tests swap it for one they can move.
    clock = staticmethod(time.monotonic)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set before connect() runs, so every other method is safe on a socket that never got that far.
        self.participant = None
        self.may_talk = False
        self.closing = False
        self.groups_joined: list[str] = []
        self.watchdog: asyncio.Task | None = None
        self.limited = 0
        self.peer_channels: dict[str, str] = {}  # remembered by _peer_channel()

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        except Exception as exc:
            # dispatch() swallows handler errors, so this is the channel layer's
            # receive failing (Redis gone): the socket would be deaf from now on.
            _log_failure("channel layer receive", exc)
            await self._close(CLOSE_TRY_AGAIN)
            await self._clean_up()
        finally:
            self._stop_watchdog()

    async def dispatch(self, message):
        kind = str(message.get("type", ""))
        if not kind.startswith("websocket.") and (self.participant is None or self.closing):
            return  # a push for a socket that is refused or closing
        try:
            await self._handle(message)
        except StopConsumer:
            raise
        except Exception as exc:
            _log_failure(kind or "untyped message", exc)
            if kind == "websocket.connect":
                await self._close(CLOSE_TRY_AGAIN)
            elif kind == "websocket.disconnect":
                raise StopConsumer from None

    async def _handle(self, message) -> None:
        """The message's handler, as channels' dispatch() finds it, without the hop before it.

        channels runs close_old_connections() on asgiref's one shared thread before every
        message, frames and relayed signals alike: two thread hops per relayed frame, all
        queued on that one thread and slowed by every other thread holding the GIL. It capped
        the relay at 1,000 sockets (bench/signaling_load). This consumer does no ORM work on
        that thread: every database call goes through _db(), which closes stale connections
        in the thread that uses them (channels' DatabaseSyncToAsync), so the hop is skipped.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # --- connection ---------------------------------------------------------------

    async def connect(self):
        self.bucket = TokenBucket(RATE_PER_SECOND, BURST, self.clock)
        self.strikes = TokenBucket(STRIKES_PER_SECOND, STRIKES, self.clock)
        session_id = self.scope["url_route"]["kwargs"]["session_id"]
        try:
            identity = await _db(presence.identify)(self.scope, session_id)
        except Exception as exc:
            _log_failure("identify", exc)
            await self._close(CLOSE_TRY_AGAIN)
            return
        if identity is None:
            # Accepted first so the page sees 4403 and stops retrying; a close
            # before accept reaches the browser only as a failed handshake (1006).
            await self.accept()
            await self._close(CLOSE_FORBIDDEN)
            return
        try:
            await self._enter(identity)
        except Exception as exc:
            _log_failure("connect", exc)
            # Before accept, so the page's reconnect backoff keeps growing while the layer is down.
            await self._close(CLOSE_TRY_AGAIN)
            await self._clean_up()
            return
        await self.accept()
        self.watchdog = asyncio.create_task(self._recheck_forever())
        await self.send_json(self.hello)

    async def _enter(self, identity: presence.Identity) -> None:
        groups = [call_group(identity.session.pk)]
        if identity.role == ParticipantRole.STAFF:
            groups.append(staff_group(identity.session.pk))
            groups.append(user_group(identity.user.pk))  # closed at once if the user is disabled
        if identity.invitation is not None:
            groups.append(guests.invitation_group(identity.invitation.pk))  # closed at once when removed
        await self._add_groups(groups)
        self.participant = await _db(presence.connect)(identity, self.channel_name)
        self.may_talk = presence.may_talk_to_the_caller(identity)
        self.hello = await _db(self._hello)()

    async def _add_groups(self, groups: list[str]) -> None:
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
            if group not in self.groups_joined:
                self.groups_joined.append(group)

    def _hello(self) -> dict:
        return {
            "type": "hello",
            "you": str(self.participant.pk),
            "role": self.participant.role,
            "peers": presence.presence(self.participant.session_id),
            # A guest sees the call, never what was said in it before they came.
            "chat": [] if self._is_guest() else self._chat_history(),
            "may_observe": presence.may_observe(self.participant),
        }

    async def disconnect(self, code):
        self._stop_watchdog()
        await self._clean_up()

    async def _clean_up(self) -> None:
        """Off the call and out of the groups; each step on its own, so one failure does not skip the rest."""
        if self.participant is not None:
            await self._leave(disconnected=True)
        for group in self.groups_joined:
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception as exc:
                _log_failure("group discard", exc, logging.WARNING)
        self.groups_joined = []

    async def _close(self, code: int) -> None:
        if self.closing:
            return
        self.closing = True
        self._stop_watchdog()
        await self.close(code=code)

    # --- frames from the client ---------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if self.participant is None or self.closing:
            return
        if not self.bucket.take():
            await self._refuse("rate_limited", "Too many messages; slow down.")
            return
        self.limited = 0
        try:
            frame = parse(text_data)
        except ProtocolError as exc:
            await self._refuse(exc.code, exc.message)
            return
        if self._is_guest() and frame["type"] not in GUEST_FRAMES:
            await self._refuse("not_allowed", "Guests take part in the call only.")
            return
        if frame["type"] in CALLER_CONTACT_FRAMES and not self.may_talk:
            await self._refuse("not_allowed", "Your role can follow this session but not take part in the call.")
            return
        try:
            await getattr(self, "on_" + frame["type"])(frame)
        except Exception as exc:
            _log_failure(f"frame {frame['type']}", exc)
            await self._error("server_error", "That did not work; try again.")

    async def _refuse(self, code: str, message: str) -> None:
        if code == "too_large":
            await self._error(code, message)
            await self._close(CLOSE_TOO_LARGE)
            return
        if not self.strikes.take():
            await self._close(CLOSE_RATE_LIMITED)
            return
        if code == "rate_limited":
            self.limited += 1
            if self.limited % RATE_LIMIT_NOTICE_EVERY != 1:
                return
        await self._error(code, message)

    async def _error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": message})

    async def on_join(self, frame):
        if not await _db(presence.may_use_media)(self.participant):
            await self._error("no_consent", "Video was not agreed to.")
            return
        observe = frame.get("mode") == "observe"
        if observe and not await _db(presence.may_observe)(self.participant):
            await self._error("not_allowed", "Your role cannot listen in.")
            return
        try:
            peers, newly = await _db(presence.join_call)(self.participant, observe=observe)
        except presence.CallFull:
            await self._error("call_full", f"The call already has {presence.MAX_IN_CALL} people in it.")
            return
        await self.send_json(
            {"type": "joined", "peers": peers, "ice_servers": ice_servers(str(self.participant.pk)), "polite": True}
        )
        if newly:
            peer = presence.describe(self.participant)
            if frame.get("previous"):
                # The others keep their media connection to this page and move it to the new id.
                replaces = await _db(presence.reconnected)(self.participant, frame["previous"])
                peer |= {"replaces": replaces} if replaces else {}
            await self._to_call("peer.joined", {"peer": peer})

    async def on_signal(self, frame):
        if self.participant.observing and _sends(frame):
            await self._error("observer_sends", "You are listening in: step in before sending audio or video.")
            return
        channel = await self._peer_channel(frame["to"])
        if channel is None:
            await self._error("unknown_peer", "That peer is not in the call.")
            return
        relay = {"type": "signal.relay", "from": str(self.participant.pk)}
        relay |= {k: v for k, v in frame.items() if k in ("description", "candidate")}
        try:
            await self.channel_layer.send(channel, relay)
        except Exception as exc:  # ChannelFull, or the layer is down
            _log_failure("signal relay", exc)
            await self._error("not_delivered", "That did not reach the other side; try again.")

    async def on_chat(self, frame):
        message = await _db(presence.save_chat)(self.participant, frame["text"])
        if not await self._to_call("chat.message", {"message": message}):
            # Stored all the same: the sender sees it now, the others on their next connect.
            await self.send_json(message)

    async def on_step_in(self, frame):
        if await _db(presence.step_in)(self.participant):
            await self._to_call("peer.stepped_in", {"peer": presence.describe(self.participant)})
        await self.send_json({"type": "stepped-in"})

    async def on_coach(self, frame):
        """A private note between staff: fanned out on the staff group only, which the caller's
        and guests' sockets never join, and not stored (it is advice, not the record)."""
        if self.participant.role != ParticipantRole.STAFF or not self.may_talk:
            await self._error("not_allowed", "Only staff in the call can send coaching notes.")
            return
        note = {"type": "coach.note", "from": str(self.participant.pk), "label": self.participant.label}
        try:
            await self.channel_layer.group_send(
                staff_group(self.participant.session_id), note | {"text": frame["text"]}
            )
        except Exception as exc:
            _log_failure("push coach", exc, logging.WARNING)
            await self._error("not_delivered", "That did not reach the other side; try again.")

    async def on_media(self, frame):
        if frame["state"] == "connected":
            await _db(presence.record_media_connected)(self.participant)

    async def on_leave(self, frame):
        await self._leave(disconnected=False)

    def _chat_history(self) -> list[dict]:
        history = presence.chat_history(self.participant.session_id)
        return quick_questions.annotate(history, presence.case_language(self.participant))

    async def on_mode(self, frame):
        await _db(presence.record_mode)(self.participant, frame["mode"], frame["reason"])
        mode = {"from": str(self.participant.pk), "role": self.participant.role}
        await self._to_call("call.mode", mode | {k: frame[k] for k in ("mode", "reason")})

    async def on_question(self, frame):
        if self.participant.role != ParticipantRole.STAFF:
            await self._error("not_allowed", "Only the specialist asks questions.")
            return
        message = await _db(self._question)(frame)
        if not await self._to_call("chat.message", {"message": message}):
            await self.send_json(message)

    def _question(self, frame: dict) -> dict:
        if "id" in frame:
            text, english = quick_questions.question(frame["id"], presence.case_language(self.participant))
            return presence.save_question(self.participant, text, english)
        return presence.save_question(self.participant, frame["text"], None)

    async def on_answer(self, frame):
        if self.participant.role != ParticipantRole.VICTIM:
            await self._error("not_allowed", "Only the caller answers questions.")
            return
        message = await _db(self._answer)(frame)
        if message is None:
            await self._error("unknown_question", "That question is not in this session.")
        elif not await self._to_call("chat.message", {"message": message}):
            await self.send_json(message)

    def _answer(self, frame: dict) -> dict | None:
        if not presence.question_was_asked(self.participant, frame["to"]):
            return None
        text, english = quick_questions.answer(frame["answer"], presence.case_language(self.participant))
        return presence.save_chat(self.participant, text) | {"answer": True, "english": english, "to": frame["to"]}

    async def on_ping(self, frame):
        await self.send_json({"type": "pong"})

    async def _leave(self, *, disconnected: bool) -> None:
        try:
            was_in_call = await _db(presence.leave)(self.participant, disconnected=disconnected)
        except Exception as exc:
            _log_failure("leave", exc)
            return
        if was_in_call:
            # "dropped": the socket went, not the person; their media may still flow, and they may come back.
            await self._to_call("peer.left", {"peer": presence.describe(self.participant) | {"dropped": disconnected}})

    async def _to_call(self, kind: str, body: dict) -> bool:
        """Tell everyone on the session's socket; False when the layer failed (logged, not raised)."""
        try:
            await self.channel_layer.group_send(call_group(self.participant.session_id), {"type": kind, **body})
        except Exception as exc:
            _log_failure(f"push {kind}", exc, logging.WARNING)
            return False
        return True

    # --- the database, rechecked ----------------------------------------------------

    async def _recheck_forever(self) -> None:
        interval = presence.heartbeat_seconds()
        # The first beat at a random point of the interval: sockets that connected together
        # (a node restarting, a thousand at once in bench/signaling_load) would otherwise
        # recheck in the same instant every interval, and queue every frame behind them.
        pause = random.uniform(interval / 5, interval)  # noqa: S311 (spreading load, not a secret)
        while not self.closing:
            await asyncio.sleep(pause)
            pause = interval
            try:
                await self._recheck()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                _log_failure("recheck", exc)

    async def _recheck(self) -> None:
        self._forget_peers()  # a peer.left push the layer lost is made good here
        reason = await _db(presence.standing)(self.scope, self.participant)
        if reason == "forbidden":
            await self._close(CLOSE_FORBIDDEN)
        elif reason is not None:
            await self.session_closed({"reason": reason})
        else:
            # Redis keeps nothing across a restart, group memberships included; renewing is idempotent.
            await self._add_groups(list(self.groups_joined))

    # --- the peers' channels, remembered ------------------------------------------

    async def _peer_channel(self, peer_id: str) -> str | None:
        """The peer's channel: from the database the first time, then from memory.

        A database look-up for every ICE candidate ran on the one thread that serves every
        socket's ORM calls, and capped the relay (bench/signaling_load). The database stays
        the record: what is remembered is forgotten whenever a peer joins or leaves, at every
        recheck, and a peer the database does not know is never remembered.
        """
        channel = self.peer_channels.get(peer_id)
        if channel is None:
            channel = await _db(presence.channel_of_peer)(self.participant, peer_id)
            if channel is not None:
                self.peer_channels[peer_id] = channel
        return channel

    def _forget_peers(self) -> None:
        self.peer_channels.clear()

    def _stop_watchdog(self) -> None:
        if self.watchdog is not None and self.watchdog is not asyncio.current_task():
            self.watchdog.cancel()
        self.watchdog = None

    # --- messages from the channel layer ------------------------------------------

    async def peer_joined(self, message):
        self._forget_peers()
        peer = message["peer"]
        if peer["id"] != str(self.participant.pk):
            await self.send_json({"type": "peer-joined", "peer": peer, "polite": False})

    async def peer_left(self, message):
        self._forget_peers()
        if message["peer"]["id"] != str(self.participant.pk):
            await self.send_json({"type": "peer-left", "peer": message["peer"]})

    async def signal_relay(self, message):
        await self.send_json({k: v for k, v in message.items() if k != "type"} | {"type": "signal"})

    async def chat_message(self, message):
        if not self._is_guest():
            await self.send_json(message["message"])

    async def peer_stepped_in(self, message):
        if message["peer"]["id"] != str(self.participant.pk):
            await self.send_json({"type": "peer-stepped-in", "peer": message["peer"]})

    async def coach_note(self, message):
        # Only staff sockets are in the staff group; checked again so a mistake elsewhere cannot leak it.
        if self.participant.role == ParticipantRole.STAFF:
            await self.send_json({k: v for k, v in message.items() if k != "type"} | {"type": "coach"})

    async def invitation_removed(self, message):
        await self.send_json({"type": "closed", "reason": "removed"})
        await self._close(CLOSE_FORBIDDEN)
        await self._leave(disconnected=True)  # the others drop them now, not when the socket finishes closing

    def _is_guest(self) -> bool:
        return self.participant is not None and self.participant.role == ParticipantRole.GUEST

    async def call_mode(self, message):
        if message["from"] != str(self.participant.pk):
            await self.send_json({k: v for k, v in message.items() if k != "type"} | {"type": "mode"})

    async def timeline_event(self, message):
        await self.send_json({"type": "event", "event": message["event"]})

    async def user_disabled(self, message):
        await self._close(CLOSE_FORBIDDEN)

    async def session_closed(self, message):
        if message["reason"] == "revoked" and self.participant.role != ParticipantRole.VICTIM:
            return  # revoking the caller's link does not end the specialist's or a guest's page
        await self.send_json({"type": "closed", "reason": message["reason"]})
        await self._close(CLOSE_SESSION_ENDED)

    async def send_json(self, content):
        await self.send(text_data=json.dumps(content))
