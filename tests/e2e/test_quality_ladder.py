"""The call's quality ladder (static/js/quality.js) in Chromium, fed WebRTC statistics it cannot tell from real ones.

A real throttled link (tests/e2e/test_poor_connection.py) cannot be made to drop a page to
text only and back on demand: at that loss the connection itself stalls. Here the page's
peer connection is replaced at its edge, getStats(), by reports whose numbers the test
sets, and the real Quality code runs on them.
"""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.browsers import launch

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "quality.js"
# No timer: the test takes each sample itself.
TUNING = "window.rpQualityTuning = { intervalMs: 3600000, downAfter: 2, upAfter: 3 };"

# A browser's send-rate estimate follows what the page sends: near nothing on text only,
# the sound's rate on sound only, the capped video on low; only full video probes the link.
LADDER_RUN = """async ({ bad, good }) => {
  const SENT_KBPS = { 0: 1500, 1: 300, 2: 30, 3: 1 };
  let link = null, lost = 0, received = 0, bytes = 0, quality = null;
  const pc = {
    connectionState: "connected",
    getSenders: () => [],
    getStats: () => {
      lost += link.lost; received += link.received; bytes += 100000;
      return Promise.resolve(new Map([
        ["pair", { type: "candidate-pair", nominated: true, state: "succeeded",
                   currentRoundTripTime: link.rttMs / 1000,
                   availableOutgoingBitrate: SENT_KBPS[quality.level()] * 1000 }],
        ["video", { type: "inbound-rtp", kind: "video", bytesReceived: bytes,
                    packetsLost: lost, packetsReceived: received }],
      ]));
    },
  };
  const call = { peers: { caller: { pc } }, hooks: [], inCall: true, mode: "participate", local: null, send() {} };
  quality = new Quality(call, {});
  const tick = async () => { quality.tick(); await new Promise((r) => setTimeout(r, 20)); };
  const rungs = [];
  link = { lost: 50, received: 50, rttMs: 2500 };  // half the packets lost, seconds of delay
  for (let i = 0; i < bad; i++) { await tick(); }
  rungs.push(quality.auto);
  link = { lost: 0, received: 100, rttMs: 20 };  // the link is good again
  for (let i = 0; i < good; i++) { await tick(); }
  rungs.push(quality.auto);
  return rungs;
}"""


@pytest.mark.e2e
def test_a_page_that_fell_to_text_only_climbs_back_to_video_when_the_link_recovers():
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            page.set_content("<!doctype html><title>quality</title>")
            page.add_script_tag(content=TUNING)
            page.add_script_tag(path=str(SCRIPT))
            # One sample to start from, two per rung down (three rungs), three per rung back up.
            at_worst, recovered = page.evaluate(LADDER_RUN, {"bad": 8, "good": 15})
        finally:
            browser.close()
    assert at_worst == 3, "the broken link should have taken the page down to text only"
    assert recovered == 0, "the page should have climbed back to full video"
