"""A poor connection in two real browsers: the call steps down to sound only, then recovers.

The caller's network is throttled the way DevTools does it: Network.emulateNetworkConditions
on the caller's page, which in Chromium 156 also shapes WebRTC's UDP media (latency,
throughput, packetLoss, packetQueueLength). Chromium attaches a page's emulated network to a
WebRTC socket only when the socket is created, and only if some emulation is already in
force then: measured here, conditions sent mid-call (or "neutral" conditions, which Chromium
treats as none) left the media untouched (about 500 kbit/s video, 0 % loss, 1 ms RTT), while
a barely-there emulation set before the call (1 ms latency) and tightened mid-call cut the
caller's decoded video to a standstill, with 20 % loss and about 1.9 s RTT in the
specialist's getStats(). So the caller's page starts on that near-perfect network.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.calls import CallTestCase
from tests.e2e.media import FRAMES_DECODED, wait_for_frames

# Faster sampling than the 2 s in production, so the test does not wait half a minute.
FAST = "window.rpQualityTuning = { intervalMs: 1000, downAfter: 2, upAfter: 3 };"
# A near-perfect network; -1 means no throughput limit. Not zero latency: see the docstring.
GOOD_NETWORK = {"offline": False, "latency": 1, "downloadThroughput": -1, "uploadThroughput": -1}
# Poor mobile data: 64 kbit/s each way, 300 ms latency, a fifth of the packets lost.
POOR_NETWORK = {
    "offline": False,
    "latency": 300,
    "downloadThroughput": 8000,
    "uploadThroughput": 8000,
    "packetLoss": 20,
    "packetQueueLength": 10,
}
VIDEO_SENDING = """() => Object.values(window.currentCall.peers).every((p) =>
  p.pc.getSenders().filter((s) => s.track && s.track.kind === "video")
    .every((s) => s.getParameters().encodings.every((e) => e.active)))"""


@pytest.mark.e2e
class TestPoorConnection(CallTestCase):
    def phone_page(self, *, script: str = "", **options) -> Page:
        """The caller's phone, on an emulated network the test can worsen and restore."""
        page = super().phone_page(script=script, **options)
        self.caller_network = page.context.new_cdp_session(page)
        self.caller_network.send("Network.enable")
        self.caller_network.send("Network.emulateNetworkConditions", GOOD_NETWORK)
        return page

    def call(self):
        specialist_page, victim_page = self.caller_waits_and_specialist_joins(staff_script=FAST, phone_script=FAST)
        wait_for_frames(victim_page)
        wait_for_frames(specialist_page)
        return specialist_page, victim_page

    def test_a_narrow_link_steps_the_call_down_to_sound_only_and_back(self):
        specialist_page, victim_page = self.call()
        # The specialist sees the connection's numbers, refreshed from getStats().
        expect(specialist_page.locator("#quality")).to_contain_text("RTT")
        expect(specialist_page.locator("#quality")).to_contain_text("kbit/s")
        assert victim_page.evaluate(VIDEO_SENDING)

        self.caller_network.send("Network.emulateNetworkConditions", POOR_NETWORK)
        expect(victim_page.locator("#call-mode")).to_have_text("Poor connection: lower video quality.", timeout=30000)
        expect(victim_page.locator("#call-mode")).to_have_text(
            "Poor connection: switched to sound only.", timeout=30000
        )
        expect(specialist_page.locator("#caller-mode")).to_have_text("Poor connection: the caller is on sound only.")
        assert not victim_page.evaluate(VIDEO_SENDING)
        expect(specialist_page.locator("#timeline")).to_contain_text("Caller · low video · poor connection")
        expect(specialist_page.locator("#timeline")).to_contain_text("Caller · sound only · poor connection")

        self.caller_network.send("Network.emulateNetworkConditions", GOOD_NETWORK)
        expect(victim_page.locator("#call-mode")).to_be_hidden(timeout=45000)
        expect(specialist_page.locator("#caller-mode")).to_be_hidden()
        assert victim_page.evaluate(VIDEO_SENDING)
        expect(specialist_page.locator("#timeline")).to_contain_text("Caller · video · connection recovered")
        frames = specialist_page.evaluate(FRAMES_DECODED)
        wait_for_frames(specialist_page, more_than=frames)
