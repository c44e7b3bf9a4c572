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
import time
import traceback

from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer

from response_platform.accounts.sockets import user_group
from video import presence
from video.ice import ice_servers
from video.live import call_group, staff_group
from video.models import ParticipantRole
from video.protocol import ProtocolError, TokenBucket, parse

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
CALLER_CONTACT_FRAMES = {"join", "signal", "chat", "media"}
# A rate-limited client is told on its first refused frame and then every 20th, not on each.
RATE_LIMIT_NOTICE_EVERY = 20


def _log_failure(what: str, exc: BaseException, level: int = logging.ERROR) -> None:
    """Type and code location only: exception messages can quote data (a chat line, a row)."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    log.log(level, "signaling: %s failed: %s at %s", what, type(exc).__name__, where)


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
            await super().dispatch(message)
        except StopConsumer:
            raise
        except Exception as exc:
            _log_failure(kind or "untyped message", exc)
            if kind == "websocket.connect":
                await self._close(CLOSE_TRY_AGAIN)
            elif kind == "websocket.disconnect":
                raise StopConsumer from None

    # --- connection ---------------------------------------------------------------

    async def connect(self):
        self.bucket = TokenBucket(RATE_PER_SECOND, BURST, self.clock)
        self.strikes = TokenBucket(STRIKES_PER_SECOND, STRIKES, self.clock)
        session_id = self.scope["url_route"]["kwargs"]["session_id"]
        try:
            identity = await database_sync_to_async(presence.identify)(self.scope, session_id)
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
        await self._add_groups(groups)
        self.participant = await database_sync_to_async(presence.connect)(identity, self.channel_name)
        self.may_talk = presence.may_talk_to_the_caller(identity)
        self.hello = await database_sync_to_async(self._hello)()

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
            "chat": presence.chat_history(self.participant.session_id),
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
        if not await database_sync_to_async(presence.may_use_media)(self.participant):
            await self._error("no_consent", "Video was not agreed to.")
            return
        peers, newly = await database_sync_to_async(presence.join_call)(self.participant)
        await self.send_json(
            {"type": "joined", "peers": peers, "ice_servers": ice_servers(str(self.participant.pk)), "polite": True}
        )
        if newly:
            await self._to_call("peer.joined", {"peer": presence.describe(self.participant)})

    async def on_signal(self, frame):
        channel = await database_sync_to_async(presence.channel_of_peer)(self.participant, frame["to"])
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
        message = await database_sync_to_async(presence.save_chat)(self.participant, frame["text"])
        if not await self._to_call("chat.message", {"message": message}):
            # Stored all the same: the sender sees it now, the others on their next connect.
            await self.send_json(message)

    async def on_media(self, frame):
        if frame["state"] == "connected":
            await database_sync_to_async(presence.record_media_connected)(self.participant)

    async def on_leave(self, frame):
        await self._leave(disconnected=False)

    async def on_ping(self, frame):
        await self.send_json({"type": "pong"})

    async def _leave(self, *, disconnected: bool) -> None:
        try:
            was_in_call = await database_sync_to_async(presence.leave)(self.participant, disconnected=disconnected)
        except Exception as exc:
            _log_failure("leave", exc)
            return
        if was_in_call:
            await self._to_call("peer.left", {"peer": presence.describe(self.participant)})

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
        while not self.closing:
            await asyncio.sleep(interval)
            try:
                await self._recheck()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                _log_failure("recheck", exc)

    async def _recheck(self) -> None:
        reason = await database_sync_to_async(presence.standing)(self.scope, self.participant)
        if reason == "forbidden":
            await self._close(CLOSE_FORBIDDEN)
        elif reason is not None:
            await self.session_closed({"reason": reason})
        else:
            # Redis keeps nothing across a restart, group memberships included; renewing is idempotent.
            await self._add_groups(list(self.groups_joined))

    def _stop_watchdog(self) -> None:
        if self.watchdog is not None and self.watchdog is not asyncio.current_task():
            self.watchdog.cancel()
        self.watchdog = None

    # --- messages from the channel layer ------------------------------------------

    async def peer_joined(self, message):
        peer = message["peer"]
        if peer["id"] != str(self.participant.pk):
            await self.send_json({"type": "peer-joined", "peer": peer, "polite": False})

    async def peer_left(self, message):
        if message["peer"]["id"] != str(self.participant.pk):
            await self.send_json({"type": "peer-left", "peer": message["peer"]})

    async def signal_relay(self, message):
        await self.send_json({k: v for k, v in message.items() if k != "type"} | {"type": "signal"})

    async def chat_message(self, message):
        await self.send_json(message["message"])

    async def timeline_event(self, message):
        await self.send_json({"type": "event", "event": message["event"]})

    async def user_disabled(self, message):
        await self._close(CLOSE_FORBIDDEN)

    async def session_closed(self, message):
        if message["reason"] == "revoked" and self.participant.role == ParticipantRole.STAFF:
            return  # revoking the caller's link does not end the specialist's page
        await self.send_json({"type": "closed", "reason": message["reason"]})
        await self._close(CLOSE_SESSION_ENDED)

    async def send_json(self, content):
        await self.send(text_data=json.dumps(content))
