"""The signaling protocol's checks, frame by frame."""

import json

import pytest

from video.protocol import MAX_CHAT_CHARS, MAX_FRAME_BYTES, ProtocolError, TokenBucket, parse

PEER = "6F1C1D2E-3B4A-4C5D-8E9F-0A1B2C3D4E5F"


def refusal(text) -> str:
    with pytest.raises(ProtocolError) as caught:
        parse(text)
    return caught.value.code


def test_it_keeps_only_the_keys_it_knows():
    frame = parse(json.dumps({"type": "join", "media": "audio", "from": "someone-else", "admin": True}))
    assert frame == {"type": "join", "media": "audio"}


def test_a_join_without_media_means_video():
    assert parse('{"type": "join"}') == {"type": "join", "media": "video"}


def test_it_normalises_the_peer_id():
    frame = parse(json.dumps({"type": "signal", "to": PEER, "candidate": None}))
    assert frame == {"type": "signal", "to": PEER.lower(), "candidate": None}


def test_a_candidate_keeps_its_username_fragment():
    candidate = {"candidate": "candidate:1 1 udp 1 192.0.2.1 9 typ host", "sdpMid": "0", "sdpMLineIndex": 0}
    frame = parse(json.dumps({"type": "signal", "to": PEER, "candidate": candidate | {"usernameFragment": "a1b2"}}))
    assert frame["candidate"] == candidate | {"usernameFragment": "a1b2"}


def test_chat_is_trimmed_and_capped():
    assert parse(json.dumps({"type": "chat", "text": " hello \n"}))["text"] == "hello"
    assert parse(json.dumps({"type": "chat", "text": "x" * MAX_CHAT_CHARS}))["text"] == "x" * MAX_CHAT_CHARS
    assert refusal(json.dumps({"type": "chat", "text": "x" * (MAX_CHAT_CHARS + 1)})) == "bad_frame"


def test_the_size_limit_counts_bytes_not_characters():
    # Each "é" is two bytes in UTF-8: the frame is under the limit in characters, over it in bytes.
    text = json.dumps({"type": "chat", "text": "é" * (MAX_FRAME_BYTES // 2)}, ensure_ascii=False)
    assert len(text) < MAX_FRAME_BYTES * 2 and len(text.encode()) > MAX_FRAME_BYTES
    assert refusal(text) == "too_large"


def test_a_frame_with_a_raw_lone_surrogate_is_refused_not_raised():
    assert refusal('{"type": "chat", "text": "\ud800"}') == "bad_frame"
    assert refusal("\ud800" * (MAX_FRAME_BYTES + 1)) == "too_large"


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "signal", "to": 12345678901234567890123456789012, "candidate": None},
        {"type": "signal", "to": None, "candidate": None},
        {"type": "signal", "to": PEER, "description": None},
        {"type": "signal", "to": PEER, "description": {"type": "offer", "sdp": 7}},
        {"type": "signal", "to": PEER, "description": {"type": "offer", "sdp": "\ud800"}},
        {"type": "signal", "to": PEER, "candidate": {"candidate": "c", "sdpMid": "m" * 65}},
        {"type": "signal", "to": PEER, "candidate": {"candidate": "c", "sdpMLineIndex": 64}},
        {"type": "signal", "to": PEER, "candidate": {"candidate": "c", "sdpMLineIndex": -1}},
        {"type": "signal", "to": PEER, "candidate": {"candidate": "c", "sdpMLineIndex": 1.5}},
        {"type": "signal", "to": PEER, "candidate": {"candidate": "c", "usernameFragment": 5}},
        {"type": "join", "media": {"video": True}},
        {"type": "media", "state": ["connected"]},
        {"type": "media", "state": "exploded"},
    ],
)
def test_it_refuses_a_frame_of_the_wrong_shape(frame):
    assert refusal(json.dumps(frame)) == "bad_frame"


def test_the_bucket_allows_a_burst_then_the_steady_rate():
    now = [0.0]
    bucket = TokenBucket(rate=2, burst=3, clock=lambda: now[0])
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    now[0] += 0.5
    assert [bucket.take() for _ in range(2)] == [True, False]
    now[0] += 100
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]


def test_a_clock_that_steps_back_does_not_drain_the_bucket():
    now = [10.0]
    bucket = TokenBucket(rate=1, burst=2, clock=lambda: now[0])
    now[0] = 0.0
    assert bucket.take() is True
