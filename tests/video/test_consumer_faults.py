"""The signaling socket when the channel layer fails or loses a message.

The layer delivers at most once and Redis keeps nothing across a restart
(TESTING.md), so the database is the record: a failed push must not break the
sender, a socket that has lost the layer is closed so its page reconnects, and
an end or revocation whose push was lost still closes the sockets it concerns.
"""

import asyncio
import os
import socket as tcp
from urllib.parse import urlparse

import pytest
from asgiref.sync import sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.utils import timezone

from response_platform.lib import channel_layer
from tests.sockets import (
    close_code,
    connected,
    make_scene,
    next_frame,
    refusal,
    send_and_receive,
    silent,
    socket,
    still_usable,
)
from video import presence
from video.consumers import CLOSE_SESSION_ENDED, CLOSE_TRY_AGAIN
from video.live import call_group
from video.models import ChatMessage, EventKind, JoinLink, Participant, SessionEvent, SessionState, VideoSession

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = os.environ.get("REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="needs a Redis server (REDIS_URL)")


class LayerThatCannotBroadcast(InMemoryChannelLayer):
    """The channel layer while Redis restarts: nothing can be sent to a group."""

    async def group_send(self, group, message):
        raise ConnectionError("Redis is restarting")


@pytest.fixture
def scene(people):
    return make_scene(people)


@pytest.fixture
def no_broadcasts(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": f"{__name__}.LayerThatCannotBroadcast"}}


@pytest.fixture
def quick_recheck(settings):
    settings.SIGNALING_RECHECK_SECONDS = 0.05


def redis_layer(url: str) -> dict:
    return {"default": {"BACKEND": channel_layer.BACKEND, "CONFIG": {"hosts": [url]}}}


def open_sockets(session) -> int:
    return Participant.objects.filter(session=session, left_at__isnull=True).count()


async def test_a_chat_line_is_kept_and_shown_to_its_sender_when_it_cannot_be_broadcast(scene, no_broadcasts):
    staff, _ = await connected(scene.session.pk, scene.staff)
    victim, _ = await connected(scene.session.pk, scene.victim)
    echoed = await send_and_receive(victim, {"type": "chat", "text": "Please call back later"})
    assert echoed["type"] == "chat" and echoed["text"] == "Please call back later"
    assert await ChatMessage.objects.filter(session=scene.session).acount() == 1
    await staff.disconnect()
    staff, hello = await connected(scene.session.pk, scene.staff)
    assert [m["text"] for m in hello["chat"]] == ["Please call back later"]
    await staff.disconnect()
    await victim.disconnect()


async def test_joining_and_leaving_still_work_when_nothing_can_be_broadcast(scene, no_broadcasts):
    victim, _ = await connected(scene.session.pk, scene.victim)
    assert (await send_and_receive(victim, {"type": "join"}))["type"] == "joined"
    await victim.disconnect()
    assert await SessionEvent.objects.filter(session=scene.session, kind=EventKind.LEFT).acount() == 1
    assert await sync_to_async(open_sockets)(scene.session) == 0


async def test_a_socket_is_told_to_try_again_when_the_channel_layer_is_down(scene, settings):
    with tcp.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CHANNEL_LAYERS = redis_layer(f"redis://127.0.0.1:{port}/0")
    assert await refusal(socket(scene.session.pk, scene.staff)) == CLOSE_TRY_AGAIN
    assert await sync_to_async(open_sockets)(scene.session) == 0


async def test_an_end_whose_push_was_lost_still_closes_every_socket(scene, quick_recheck):
    staff, _ = await connected(scene.session.pk, scene.staff)
    victim, _ = await connected(scene.session.pk, scene.victim)
    # As end_session() would leave it had its push been lost on the way.
    await VideoSession.objects.filter(pk=scene.session.pk).aupdate(state=SessionState.ENDED)
    for communicator in (victim, staff):
        frames, code = await close_code(communicator)
        assert frames == [{"type": "closed", "reason": "ended"}]
        assert code == CLOSE_SESSION_ENDED
        await communicator.disconnect()


async def test_a_session_ended_while_a_socket_rechecks_closes_it_as_ended(scene, quick_recheck, monkeypatch):
    """The end lands in the middle of a recheck: the page must say "ended", not "forbidden"."""
    staff, _ = await connected(scene.session.pk, scene.staff)
    identify = presence.identify

    def identify_while_the_session_ends(scope, session_id):
        VideoSession.objects.filter(pk=session_id).update(state=SessionState.ENDED)
        return identify(scope, session_id)

    monkeypatch.setattr(presence, "identify", identify_while_the_session_ends)
    frames, code = await close_code(staff)
    assert frames == [{"type": "closed", "reason": "ended"}]
    assert code == CLOSE_SESSION_ENDED
    await staff.disconnect()


async def test_a_revocation_whose_push_was_lost_still_closes_the_callers_socket(scene, quick_recheck):
    staff, _ = await connected(scene.session.pk, scene.staff)
    victim, _ = await connected(scene.session.pk, scene.victim)
    await JoinLink.objects.filter(session=scene.session).aupdate(revoked_at=timezone.now())
    frames, code = await close_code(victim)
    assert frames == [{"type": "closed", "reason": "revoked"}]
    assert code == CLOSE_SESSION_ENDED
    await victim.disconnect()
    assert await silent(staff)
    assert await still_usable(staff)
    await staff.disconnect()


class Relay:
    """A TCP relay in front of Redis that the test can cut and restore, as a restart or a network fault would."""

    def __init__(self, host: str, port: int):
        self.upstream = (host, port)
        self.port = 0
        self.server = None
        self.transports = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        self.server.close()
        for transport in self.transports:
            transport.abort()
        self.transports.clear()

    async def _serve(self, reader, writer):
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.transport.abort()
            return
        self.transports |= {writer.transport, up_writer.transport}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer), return_exceptions=True)

    @staticmethod
    async def _pipe(reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            writer.transport.abort()


@needs_redis
async def test_losing_redis_mid_call_closes_the_sockets_and_a_reconnect_finds_no_ghosts(scene, settings):
    redis = urlparse(REDIS_URL)
    relay = Relay(redis.hostname, redis.port or 6379)
    await relay.start()
    settings.CHANNEL_LAYERS = redis_layer(f"redis://127.0.0.1:{relay.port}{redis.path or '/0'}")
    try:
        staff, _ = await connected(scene.session.pk, scene.staff)
        victim, _ = await connected(scene.session.pk, scene.victim)
        await send_and_receive(victim, {"type": "join"})
        await next_frame(staff)  # peer-joined: the layer works
        await send_and_receive(staff, {"type": "join"})

        await relay.cut()
        for communicator in (victim, staff):
            _, code = await close_code(communicator, skip=("event", "peer-joined"))
            assert code == CLOSE_TRY_AGAIN
            await communicator.disconnect()
        assert await sync_to_async(open_sockets)(scene.session) == 0

        await relay.start()
        staff, hello = await connected(scene.session.pk, scene.staff)
        assert hello["peers"] == []
        victim, _ = await connected(scene.session.pk, scene.victim)
        joined = await send_and_receive(victim, {"type": "join"})
        assert joined["peers"] == []
        assert (await next_frame(staff))["type"] == "peer-joined"
        await victim.disconnect()
        await staff.disconnect()
    finally:
        await relay.cut()
        await get_channel_layer().close_pools()


@needs_redis
async def test_sockets_rejoin_their_groups_after_redis_forgets_them(scene, settings, quick_recheck):
    from redis import asyncio as aioredis

    settings.CHANNEL_LAYERS = redis_layer(REDIS_URL)
    staff, _ = await connected(scene.session.pk, scene.staff)
    victim, _ = await connected(scene.session.pk, scene.victim)
    client = aioredis.from_url(REDIS_URL)
    group_key = f"asgi:group:{call_group(scene.session.pk)}"
    try:
        await client.flushdb()  # what a restart does: Redis keeps nothing on disk here
        async with asyncio.timeout(5):
            while await client.zcard(group_key) < 2:
                await asyncio.sleep(0.02)
        await victim.send_json_to({"type": "chat", "text": "Still there?"})
        assert (await next_frame(staff))["text"] == "Still there?"
        await victim.disconnect()
        await staff.disconnect()
    finally:
        await client.aclose()
        await get_channel_layer().close_pools()


async def test_a_participant_left_behind_by_a_crashed_server_is_not_offered_as_a_peer(scene):
    """A server process killed mid-call never runs disconnect(); its row must not haunt the call."""
    await Participant.objects.acreate(
        session=scene.session,
        role="victim",
        channel_name="specific.dead-process!gone",
        in_call=True,
        last_seen=timezone.now() - timezone.timedelta(minutes=2),
    )
    staff, hello = await connected(scene.session.pk, scene.staff)
    assert hello["peers"] == []
    joined = await send_and_receive(staff, {"type": "join"})
    assert joined["peers"] == []
    await staff.disconnect()


async def test_an_open_socket_keeps_its_presence_fresh(scene, quick_recheck):
    staff, hello = await connected(scene.session.pk, scene.staff)
    await send_and_receive(staff, {"type": "join"})
    first_seen = (await Participant.objects.aget(pk=hello["you"])).last_seen
    await asyncio.sleep(0.5)
    assert (await Participant.objects.aget(pk=hello["you"])).last_seen > first_seen
    victim, _ = await connected(scene.session.pk, scene.victim)
    joined = await send_and_receive(victim, {"type": "join"})
    assert [p["id"] for p in joined["peers"]] == [hello["you"]]
    await victim.disconnect()
    await staff.disconnect()
