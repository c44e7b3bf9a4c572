"""The batching channel layer against a real Redis: every message once, nothing lost, limits kept.

The signaling consumer's behaviour when Redis fails is tested through this layer in
tests/video/test_consumer_faults.py; here, the layer's own promises.
"""

import asyncio
import os

import pytest
from channels.exceptions import ChannelFull

from response_platform.lib.channel_layer import RECEIVE_BATCH, BatchingRedisChannelLayer

REDIS_URL = os.environ.get("REDIS_URL", "")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="needs a Redis server (REDIS_URL)")


def layer(**config) -> BatchingRedisChannelLayer:
    # A prefix of its own: nothing another test left in Redis is seen, and flush() removes only ours.
    return BatchingRedisChannelLayer(hosts=[REDIS_URL], prefix=f"test-layer-{os.getpid()}", **config)


def run(scenario, **config):
    async def and_flush():
        under_test = layer(**config)
        try:
            return await scenario(under_test)
        finally:
            await under_test.flush()
            await under_test.close_pools()

    return asyncio.run(and_flush())


async def nothing_more(under_test, channel) -> bool:
    try:
        await asyncio.wait_for(under_test.receive(channel), 0.5)
    except TimeoutError:
        return True
    return False


def test_a_burst_for_many_sockets_of_one_process_reaches_each_once_and_in_order():
    per_socket, sockets = 30, 10
    assert per_socket * sockets > RECEIVE_BATCH  # more than one batch

    async def scenario(under_test):
        channels = [await under_test.new_channel() for _ in range(sockets)]
        for n in range(per_socket):
            for channel in channels:
                await under_test.send(channel, {"type": "signal.relay", "n": n, "to": channel})
        received = {c: [await under_test.receive(c) for _ in range(per_socket)] for c in channels}
        return received, [await nothing_more(under_test, c) for c in channels]

    received, silent = run(scenario, capacity=1000)  # one inbox per process holds every socket's messages
    for channel, messages in received.items():
        assert [m["n"] for m in messages] == list(range(per_socket))
        assert {m["to"] for m in messages} == {channel}
    assert all(silent), "a message arrived twice"


def test_sockets_waiting_together_each_get_theirs_while_messages_arrive():
    async def scenario(under_test):
        channels = [await under_test.new_channel() for _ in range(20)]
        waiting = [asyncio.ensure_future(under_test.receive(c)) for c in channels]
        await asyncio.sleep(0.1)  # every receive is waiting, one of them blocked in Redis
        for channel in reversed(channels):
            await under_test.send(channel, {"type": "peer.joined", "for": channel})
        return channels, await asyncio.wait_for(asyncio.gather(*waiting), 10)

    channels, messages = run(scenario)
    assert [m["for"] for m in messages] == channels


def test_a_batch_taken_but_never_handed_out_is_put_back_for_the_next_receive():
    """As when a receive is cancelled while Redis answers: the script ran, its answer was lost."""

    async def scenario(under_test):
        channel = await under_test.new_channel()
        for n in range(5):
            await under_test.send(channel, {"type": "signal.relay", "n": n})
        key = under_test.prefix + under_test.non_local_name(channel)
        connection = under_test.connection(under_test.consistent_hash(channel))
        await under_test._take_batch(connection, key)  # taken into the backup; the answer dropped
        return [(await asyncio.wait_for(under_test.receive(channel), 5))["n"] for _ in range(5)]

    assert run(scenario) == [0, 1, 2, 3, 4]


def test_a_cancelled_receive_loses_no_message():
    async def scenario(under_test):
        channel = await under_test.new_channel()
        for attempt in range(20):
            receiving = asyncio.ensure_future(under_test.receive(channel))
            await under_test.send(channel, {"type": "signal.relay", "n": attempt})
            await asyncio.sleep(0.001 * (attempt % 4))
            receiving.cancel()
            try:
                got = await receiving
            except asyncio.CancelledError:
                got = None
            if got is not None:
                await under_test.send(channel, got)  # handed back, as if never received
        return sorted([(await asyncio.wait_for(under_test.receive(channel), 5))["n"] for _ in range(20)])

    assert run(scenario) == list(range(20))


def test_a_full_channel_refuses_instead_of_growing():
    async def scenario(under_test):
        channel = await under_test.new_channel()
        for n in range(3):
            await under_test.send(channel, {"type": "signal.relay", "n": n})
        with pytest.raises(ChannelFull):
            await under_test.send(channel, {"type": "signal.relay", "n": 3})
        return [(await under_test.receive(channel))["n"] for _ in range(3)]

    assert run(scenario, capacity=3) == [0, 1, 2]


def test_a_group_message_reaches_every_member_in_the_process_once():
    async def scenario(under_test):
        channels = [await under_test.new_channel() for _ in range(3)]
        for channel in channels:
            await under_test.group_add("call-1", channel)
        await under_test.group_send("call-1", {"type": "chat.message", "text": "hello"})
        got = [await asyncio.wait_for(under_test.receive(c), 5) for c in channels]
        return got, [await nothing_more(under_test, c) for c in channels]

    got, silent = run(scenario)
    assert [m["text"] for m in got] == ["hello"] * 3
    assert all(silent), "a member got the message twice"


def test_an_expired_message_is_dropped_when_the_channel_is_next_written():
    async def scenario(under_test):
        channel = await under_test.new_channel()
        await under_test.send(channel, {"type": "signal.relay", "n": 0})
        await asyncio.sleep(2.1)
        await under_test.send(channel, {"type": "signal.relay", "n": 1})
        return (await under_test.receive(channel))["n"]

    assert run(scenario, expiry=1) == 1


def test_with_two_redis_shards_each_socket_still_gets_its_messages():
    """A socket's message goes to the shard its process's inbox is read from."""
    base = REDIS_URL.rsplit("/", 1)[0]

    async def scenario(under_test):
        channels = [await under_test.new_channel() for _ in range(20)]
        for channel in channels:
            await under_test.send(channel, {"type": "peer.joined", "for": channel})
        return channels, [await asyncio.wait_for(under_test.receive(c), 5) for c in channels]

    async def on_two_shards():
        under_test = BatchingRedisChannelLayer(hosts=[f"{base}/13", f"{base}/14"], prefix=f"test-layer-{os.getpid()}")
        try:
            return await scenario(under_test)
        finally:
            await under_test.flush()
            await under_test.close_pools()

    channels, messages = asyncio.run(on_two_shards())
    assert [m["for"] for m in messages] == channels
