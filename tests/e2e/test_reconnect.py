"""A dropped signaling socket mid-call: the call carries on and recovers without a reload."""

import pytest
from playwright.sync_api import expect

from tests.e2e.calls import CallTestCase
from tests.e2e.media import FRAMES_DECODED, wait_for_frames

# The peer connection object and its ICE username fragment, to tell "same connection, restarted" apart.
CONNECTION = """() => {
  const ids = Object.keys(window.currentCall.peers);
  const p = window.currentCall.peers[ids[0]];
  if (!p.pc.marker) p.pc.marker = Math.random().toString(36).slice(2);
  const ufrag = (p.pc.localDescription.sdp.match(/a=ice-ufrag:(\\S+)/) || [])[1];
  return { peers: ids.length, marker: p.pc.marker, ufrag: ufrag, restarts: p.restarts || 0 };
}"""


@pytest.mark.e2e
class TestReconnect(CallTestCase):
    def test_a_dropped_socket_keeps_the_call_and_restarts_ice_without_a_reload(self):
        specialist_page, victim_page = self.caller_waits_and_specialist_joins(caller_presses="I'm ready")
        wait_for_frames(victim_page)
        wait_for_frames(specialist_page)
        victim_page.evaluate("window.notReloaded = true")
        before = victim_page.evaluate(CONNECTION)
        staff_before = specialist_page.evaluate(CONNECTION)

        # The phone's network goes away: the socket is cut and cannot come back until it returns.
        # Closed first, then offline: a close started while offline can wait for a closing
        # handshake that cannot arrive, and the page would learn of the cut late.
        victim_page.evaluate("window.currentCall.ws.close()")
        victim_page.context.set_offline(True)
        expect(victim_page.locator("#call-status")).to_have_text("Connection lost. Reconnecting…")
        expect(specialist_page.locator("#timeline")).to_contain_text("Left · Caller")
        # Media goes browser to browser, so the specialist still sees the caller meanwhile.
        during = specialist_page.evaluate(FRAMES_DECODED)
        wait_for_frames(specialist_page, more_than=during)
        victim_page.context.set_offline(False)

        expect(specialist_page.locator("#timeline")).to_contain_text("Reconnected · Caller", timeout=30000)
        expect(victim_page.locator("#call-status")).to_have_text("You are talking to the specialist.")
        expect(specialist_page.locator("#caller-presence")).to_have_text("In the call")
        victim_page.wait_for_function(
            f"() => ({CONNECTION})().ufrag !== {before['ufrag']!r}", timeout=20000, polling=200
        )
        after = victim_page.evaluate(CONNECTION)
        staff_after = specialist_page.evaluate(CONNECTION)
        assert victim_page.evaluate("window.notReloaded") is True
        # The same two connections, restarted rather than rebuilt.
        assert after["marker"] == before["marker"] and after["restarts"] == 1 and after["peers"] == 1
        assert staff_after["marker"] == staff_before["marker"] and staff_after["peers"] == 1
        for page in (victim_page, specialist_page):
            frames = page.evaluate(FRAMES_DECODED)
            wait_for_frames(page, more_than=frames)
