"""Waiting on WebRTC statistics from Python.

page.wait_for_function() does not await an async predicate: the Promise it returns
counts as truthy, so the wait ends at once. getStats() is async, so poll it here."""

import time

FRAMES_DECODED = """async () => {
  const call = window.currentCall;
  if (!call) return 0;
  let total = 0;
  for (const id in call.peers) {
    const stats = await call.peers[id].pc.getStats();
    stats.forEach((r) => { if (r.type === "inbound-rtp" && r.kind === "video") total += r.framesDecoded || 0; });
  }
  return total;
}"""


AUDIO_PACKETS = FRAMES_DECODED.replace('r.kind === "video"', 'r.kind === "audio"').replace(
    "r.framesDecoded", "r.packetsReceived"
)


def wait_for_rising(page, stat: str, more_than: float = 0, timeout_s: float = 20) -> float:
    """The statistic's value once it exceeds `more_than`; fails after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = page.evaluate(stat)
        if value > more_than:
            return value
        assert time.monotonic() < deadline, f"still {value} after {timeout_s} s (wanted more than {more_than})"
        page.wait_for_timeout(200)


def wait_for_frames(page, more_than: float = 0) -> float:
    """Decoded video frames, once more than `more_than`: proof that video is arriving."""
    return wait_for_rising(page, FRAMES_DECODED, more_than)


# Decoded video frames per remote peer: {peer id: frames}.
FRAMES_PER_PEER = """async () => {
  const call = window.currentCall;
  const out = {};
  if (!call) return out;
  for (const id in call.peers) {
    const stats = await call.peers[id].pc.getStats();
    out[id] = 0;
    stats.forEach((r) => { if (r.type === "inbound-rtp" && r.kind === "video") out[id] += r.framesDecoded || 0; });
  }
  return out;
}"""
# Bytes this page has sent, over every connection.
BYTES_SENT = """async () => {
  const call = window.currentCall;
  let total = 0;
  for (const id in call.peers) {
    const stats = await call.peers[id].pc.getStats();
    stats.forEach((r) => { if (r.type === "outbound-rtp") total += r.bytesSent || 0; });
  }
  return total;
}"""


def wait_for_each_peer(page, peers: int, above: dict | None = None, timeout_s: float = 25) -> dict:
    """Frames per peer once exactly `peers` connections each decode more than `above` gave them.

    Proof that every participant's video arrives, not just anyone's."""
    above = above or {}
    deadline = time.monotonic() + timeout_s
    while True:
        frames = page.evaluate(FRAMES_PER_PEER)
        if len(frames) == peers and all(count > above.get(peer, 0) for peer, count in frames.items()):
            return frames
        wanted = f"{peers} peers above {above}"
        assert time.monotonic() < deadline, f"frames per peer {frames} after {timeout_s} s (wanted {wanted})"
        page.wait_for_timeout(250)
