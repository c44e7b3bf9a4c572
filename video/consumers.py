"""Signaling for one video session at /ws/sessions/<id>/.

The server authenticates each socket (staff: two-factor Django session of the
session's force; caller: the device cookie), stamps the sender on every frame
and relays it to one named peer. Media never passes through here.
Bad input gets an error frame or a close code; the consumer never raises.
"""

import json
import logging
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

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
RATE_PER_SECOND = 20
BURST = 60
# A client that keeps sending after being told to stop is cut off.
MAX_REFUSED_FRAMES = 100


class SessionConsumer(AsyncWebsocketConsumer):
    participant = None

    async def connect(self):
        self.refused = 0
        self.bucket = TokenBucket(RATE_PER_SECOND, BURST, time.monotonic)
        session_id = self.scope["url_route"]["kwargs"]["session_id"]
        try:
            identity = await database_sync_to_async(presence.identify)(self.scope, session_id)
        except Exception as exc:
            log.warning("socket identify failed: %s", type(exc).__name__)
            identity = None
        if identity is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.identity = identity
        self.participant = await database_sync_to_async(presence.connect)(identity, self.channel_name)
        self.groups_joined = [call_group(identity.session.pk)]
        if identity.role == ParticipantRole.STAFF:
            self.groups_joined.append(staff_group(identity.session.pk))
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json(await database_sync_to_async(self._hello)())

    def _hello(self) -> dict:
        return {
            "type": "hello",
            "you": str(self.participant.pk),
            "role": self.participant.role,
            "peers": presence.presence(self.participant.session_id),
            "chat": presence.chat_history(self.participant.session_id),
        }

    async def disconnect(self, code):
        if self.participant is None:
            return
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        await self._leave(disconnected=True)

    async def receive(self, text_data=None, bytes_data=None):
        if self.participant is None:
            return
        if not self.bucket.take():
            await self._refuse("rate_limited", "Too many messages; slow down.")
            return
        try:
            frame = parse(text_data)
        except ProtocolError as exc:
            await self._refuse(exc.code, exc.message)
            return
        try:
            await getattr(self, "on_" + frame["type"])(frame)
        except Exception as exc:
            log.exception("signaling frame %s failed: %s", frame["type"], type(exc).__name__)
            await self.send_json({"type": "error", "code": "server_error", "message": "That did not work; try again."})

    async def _refuse(self, code: str, message: str):
        self.refused += 1
        if code == "too_large":
            await self.send_json({"type": "error", "code": code, "message": message})
            await self.close(code=CLOSE_TOO_LARGE)
        elif self.refused > MAX_REFUSED_FRAMES:
            await self.close(code=CLOSE_RATE_LIMITED)
        elif code != "rate_limited" or self.refused == 1 or self.refused % 20 == 0:
            await self.send_json({"type": "error", "code": code, "message": message})

    # --- frames from the client ------------------------------------------------

    async def on_join(self, frame):
        if not await database_sync_to_async(presence.may_use_media)(self.participant):
            await self.send_json({"type": "error", "code": "no_consent", "message": "Video was not agreed to."})
            return
        peers = await database_sync_to_async(presence.join_call)(self.participant)
        await self.send_json(
            {"type": "joined", "peers": peers, "ice_servers": ice_servers(str(self.participant.pk)), "polite": True}
        )
        await self._to_call("peer.joined", {"peer": presence.describe(self.participant)})

    async def on_signal(self, frame):
        channel = await database_sync_to_async(presence.channel_of_peer)(self.participant, frame["to"])
        if channel is None:
            await self.send_json({"type": "error", "code": "unknown_peer", "message": "That peer is not in the call."})
            return
        payload = {k: v for k, v in frame.items() if k in ("description", "candidate")}
        await self.channel_layer.send(channel, {"type": "signal.relay", "from": str(self.participant.pk), **payload})

    async def on_chat(self, frame):
        message = await database_sync_to_async(presence.save_chat)(self.participant, frame["text"])
        await self._to_call("chat.message", {"message": message})

    async def on_media(self, frame):
        if frame["state"] == "connected":
            await database_sync_to_async(presence.record_media_connected)(self.participant)

    async def on_leave(self, frame):
        await self._leave(disconnected=False)

    async def on_ping(self, frame):
        await self.send_json({"type": "pong"})

    async def _leave(self, *, disconnected: bool):
        try:
            was_in_call = await database_sync_to_async(presence.leave)(self.participant, disconnected=disconnected)
        except Exception as exc:
            log.warning("leave failed: %s", type(exc).__name__)
            return
        if was_in_call:
            await self._to_call("peer.left", {"peer": presence.describe(self.participant)})

    async def _to_call(self, kind: str, body: dict):
        await self.channel_layer.group_send(call_group(self.participant.session_id), {"type": kind, **body})

    # --- messages from the channel layer -----------------------------------------

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

    async def session_closed(self, message):
        if message["reason"] == "revoked" and self.participant.role == ParticipantRole.STAFF:
            return  # revoking the caller's link does not end the specialist's page
        await self.send_json({"type": "closed", "reason": message["reason"]})
        await self.close(code=CLOSE_SESSION_ENDED)

    async def send_json(self, content):
        await self.send(text_data=json.dumps(content))
