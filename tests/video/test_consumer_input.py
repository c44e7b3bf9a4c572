"""What the signaling socket does with bad or excessive input: answer, never crash.

The communicator re-raises anything the consumer raises, so every test here
would fail on an exception escaping connect(), receive() or disconnect().
"""

import json

import pytest

from tests.sockets import close_code, connected, make_scene, next_frame, send_and_receive, still_usable
from video.consumers import BURST, CLOSE_RATE_LIMITED, CLOSE_TOO_LARGE, SessionConsumer
from video.protocol import MAX_FRAME_BYTES, MAX_SDP_CHARS

pytestmark = pytest.mark.django_db(transaction=True)

PEER = "6f1c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f"


@pytest.fixture
def scene(people):
    return make_scene(people)


class FakeClock:
    """Time that moves only when the test says so."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(SessionConsumer, "clock", staticmethod(fake))
    return fake


BAD_FRAMES = [
    pytest.param("{not json", "bad_json", id="malformed JSON"),
    pytest.param("[" * 5000 + "]" * 5000, "bad_json", id="JSON nested too deep"),
    pytest.param("9" * 5000, "bad_json", id="a number too long to parse"),
    pytest.param('["ping"]', "bad_frame", id="not an object"),
    pytest.param('"ping"', "bad_frame", id="a bare string"),
    pytest.param("{}", "bad_frame", id="missing type"),
    pytest.param('{"type": 7}', "bad_frame", id="type not a string"),
    pytest.param('{"type": "shout"}', "unknown_type", id="unknown type"),
    pytest.param('{"type": "signal_relay"}', "unknown_type", id="a server-side handler name"),
    pytest.param('{"type": "join", "media": ["video"]}', "bad_frame", id="media of the wrong shape"),
    pytest.param('{"type": "media", "state": {}}', "bad_frame", id="media state of the wrong shape"),
    pytest.param('{"type": "chat"}', "bad_frame", id="chat without text"),
    pytest.param('{"type": "chat", "text": "   "}', "bad_frame", id="chat of blanks"),
    pytest.param('{"type": "chat", "text": "hi \\ud800"}', "bad_frame", id="chat with a lone surrogate"),
    pytest.param(json.dumps({"type": "chat", "text": "x" * 2001}), "bad_frame", id="chat too long"),
    pytest.param(
        json.dumps({"type": "signal", "to": "peer-1", "description": {"type": "offer", "sdp": "v=0"}}),
        "bad_frame",
        id="signal to a bad uuid",
    ),
    pytest.param(
        json.dumps({"type": "signal", "to": {"id": PEER}, "candidate": None}), "bad_frame", id="signal to an object"
    ),
    pytest.param(json.dumps({"type": "signal", "to": PEER}), "bad_frame", id="signal carrying nothing"),
    pytest.param(
        json.dumps({"type": "signal", "to": PEER, "description": {"type": "offer", "sdp": "a" * (MAX_SDP_CHARS + 1)}}),
        "bad_frame",
        id="huge sdp",
    ),
    pytest.param(
        json.dumps({"type": "signal", "to": PEER, "description": {"type": ["offer"], "sdp": ""}}),
        "bad_frame",
        id="description type of the wrong shape",
    ),
    pytest.param(
        json.dumps({"type": "signal", "to": PEER, "candidate": "candidate:1 1 udp 1 10.0.0.1 9 typ host"}),
        "bad_frame",
        id="candidate as a string",
    ),
    pytest.param(
        json.dumps({"type": "signal", "to": PEER, "candidate": {"candidate": "c", "sdpMLineIndex": True}}),
        "bad_frame",
        id="candidate index a boolean",
    ),
    pytest.param(
        json.dumps({"type": "signal", "to": PEER, "candidate": {"candidate": ["c"]}}),
        "bad_frame",
        id="candidate text a list",
    ),
]


@pytest.mark.parametrize("text, code", BAD_FRAMES)
async def test_a_bad_frame_gets_an_error_frame_and_the_socket_stays_usable(scene, text, code):
    communicator, _ = await connected(scene.session.pk, scene.victim)
    await communicator.send_to(text_data=text)
    error = await next_frame(communicator)
    assert error["type"] == "error" and error["code"] == code
    assert await still_usable(communicator)
    await communicator.disconnect()


async def test_a_binary_frame_gets_an_error_frame(scene):
    communicator, _ = await connected(scene.session.pk, scene.staff)
    await communicator.send_to(bytes_data=b'{"type": "ping"}')
    error = await next_frame(communicator)
    assert error["code"] == "binary_not_supported"
    assert await still_usable(communicator)
    await communicator.disconnect()


async def test_an_oversized_frame_gets_an_error_and_a_1009_close(scene):
    communicator, _ = await connected(scene.session.pk, scene.victim)
    await communicator.send_json_to({"type": "chat", "text": "x" * MAX_FRAME_BYTES})
    frames, code = await close_code(communicator)
    assert [f["code"] for f in frames] == ["too_large"]
    assert code == CLOSE_TOO_LARGE
    # Frames already on their way after the close are ignored, not answered.
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_nothing()
    await communicator.disconnect()


async def test_a_signal_to_a_made_up_peer_gets_unknown_peer(scene):
    communicator, hello = await connected(scene.session.pk, scene.victim)
    await send_and_receive(communicator, {"type": "join"})
    for to in (PEER, hello["you"]):  # nobody, and the sender itself
        error = await send_and_receive(communicator, {"type": "signal", "to": to, "candidate": None})
        assert error["code"] == "unknown_peer"
    await communicator.disconnect()


async def test_a_flood_is_rate_limited_and_then_cut_off(scene, clock):
    communicator, _ = await connected(scene.session.pk, scene.victim)
    for _ in range(300):
        await communicator.send_json_to({"type": "ping"})
    frames, code = await close_code(communicator)
    pongs = [f for f in frames if f["type"] == "pong"]
    limited = [f for f in frames if f.get("code") == "rate_limited"]
    assert len(pongs) == BURST
    assert 1 < len(limited) < 20, "told more than once, but not once per refused frame"
    assert code == CLOSE_RATE_LIMITED
    assert await communicator.receive_nothing(), "the rest of the flood is dropped unanswered"
    await communicator.disconnect()


async def test_a_client_that_slows_down_after_a_burst_is_served_again(scene, clock):
    communicator, _ = await connected(scene.session.pk, scene.victim)
    for _ in range(BURST + 5):
        await communicator.send_json_to({"type": "ping"})
    frames = [await next_frame(communicator) for _ in range(BURST + 1)]
    assert frames[-1]["code"] == "rate_limited"
    clock.now += 5
    assert await still_usable(communicator)
    await communicator.disconnect()


async def test_a_client_at_a_normal_pace_is_never_limited(scene, clock):
    communicator, _ = await connected(scene.session.pk, scene.victim)
    for _ in range(1000):  # ten frames a second for 100 seconds
        clock.now += 0.1
        await communicator.send_json_to({"type": "ping"})
        assert (await next_frame(communicator))["type"] == "pong"
    await communicator.disconnect()


async def test_a_burst_of_ice_candidates_is_not_limited(scene, clock):
    communicator, _ = await connected(scene.session.pk, scene.victim)
    for _ in range(BURST):
        await communicator.send_json_to({"type": "ping"})
    frames = [await next_frame(communicator) for _ in range(BURST)]
    assert {f["type"] for f in frames} == {"pong"}
    await communicator.disconnect()
