"""The whole core loop in two real browsers: SMS link → consent → live video call → quick exit."""

import re

import pytest
from playwright.sync_api import expect, sync_playwright

from response_platform.sms.models import OutboxMessage
from tests.browsers import BrowserTestCase, launch
from tests.personas import PASSWORD, current_code, make_personas

SAFE_EXIT = "https://www.bbc.co.uk/weather"
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


NO_CAMERA = """(() => {
  const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (c) =>
    c && c.video ? Promise.reject(new DOMException("Requested device not found", "NotFoundError")) : real(c);
})();"""


def fits_the_screen(page) -> bool:
    """Nothing forces sideways scrolling on a 320 px wide phone."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def wait_for_rising(page, stat: str, more_than: int = 0, timeout_ms: int = 20000) -> int:
    page.wait_for_function(f"async () => (await ({stat})()) > {more_than}", timeout=timeout_ms, polling=200)
    return page.evaluate(stat)


def wait_for_frames(page, more_than: int = 0) -> int:
    return wait_for_rising(page, FRAMES_DECODED, more_than)


@pytest.mark.e2e
class TestCoreLoop(BrowserTestCase):
    def setUp(self):
        self.people = make_personas()
        self.playwright = sync_playwright().start()
        self.browser = launch(self.playwright)

    def tearDown(self):
        self.browser.close()
        self.playwright.stop()

    def specialist_signs_in(self, page):
        page.goto(self.live_server_url + "/login/")
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_label("Code from your authenticator app").fill(current_code(self.people.alice))
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Cases")).to_be_visible()

    def specialist_sends_link(self, page):
        page.get_by_role("link", name="New case").click()
        page.get_by_label("Incident reference").fill("INC-2026-0042")
        page.get_by_label("Caller's mobile number").fill("07700 900123")
        page.get_by_label("The caller confirmed it is safe to text this number").check()
        page.get_by_role("button", name="Create case").click()
        page.get_by_role("button", name="Send video link by text").click()
        expect(page.get_by_role("heading", name=re.compile("Video session"))).to_be_visible()

    def link_from_outbox(self) -> str:
        body = OutboxMessage.objects.get(to="+447700900123").body
        path = re.search(r"/j/[A-Za-z0-9_-]{22}", body).group(0)
        return self.live_server_url + path

    def caller_waits_and_specialist_joins(self, *, caller_presses: str, staff_script: str = ""):
        """The loop up to the moment the specialist presses Join call; returns (specialist, victim) pages."""
        staff = self.browser.new_context(permissions=["camera", "microphone"])
        if staff_script:
            staff.add_init_script(staff_script)
        victim = self.browser.new_context(permissions=["camera", "microphone"], viewport={"width": 320, "height": 640})
        specialist_page = staff.new_page()
        self.specialist_signs_in(specialist_page)
        self.specialist_sends_link(specialist_page)
        victim_page = victim.new_page()
        victim_page.goto(self.link_from_outbox())
        victim_page.get_by_role("button", name="Agree and continue").click()
        victim_page.get_by_role("button", name=caller_presses).click()
        expect(specialist_page.locator("#caller-presence")).to_have_text("Waiting in the call room")
        specialist_page.get_by_role("button", name="Join call").click()
        return specialist_page, victim_page

    def test_a_victim_who_chooses_sound_only_is_heard_but_sends_no_video(self):
        specialist_page, victim_page = self.caller_waits_and_specialist_joins(caller_presses="Sound only, no camera")

        heard = wait_for_rising(specialist_page, AUDIO_PACKETS)
        wait_for_rising(specialist_page, AUDIO_PACKETS, more_than=heard)
        wait_for_frames(victim_page)  # the caller still sees the specialist
        assert victim_page.evaluate("window.currentCall.local.getVideoTracks().length") == 0
        assert victim_page.get_by_role("button", name="Camera off").is_hidden()
        assert specialist_page.evaluate(FRAMES_DECODED) == 0

        # Rejoining with sound only, the caller makes the offer and still asks for the specialist's video.
        victim_page.reload()
        expect(specialist_page.locator("#timeline")).to_contain_text("Left · Caller")
        wait_for_frames(victim_page)
        assert victim_page.evaluate("window.currentCall.local.getVideoTracks().length") == 0

    def test_a_specialist_without_a_camera_joins_with_sound_and_still_sees_the_caller(self):
        # The desk has a headset but no webcam: the browser finds no camera.
        specialist_page, victim_page = self.caller_waits_and_specialist_joins(
            caller_presses="I'm ready", staff_script=NO_CAMERA
        )

        expect(specialist_page.locator("#media-note")).to_have_text(
            "No camera could be used: the caller can hear you but not see you."
        )
        wait_for_frames(specialist_page)
        heard = wait_for_rising(victim_page, AUDIO_PACKETS)
        wait_for_rising(victim_page, AUDIO_PACKETS, more_than=heard)
        assert victim_page.evaluate(FRAMES_DECODED) == 0

    def test_a_victim_joins_from_the_sms_link_and_talks_to_the_specialist(self):
        staff = self.browser.new_context(permissions=["camera", "microphone"])
        victim = self.browser.new_context(
            permissions=["camera", "microphone"], viewport={"width": 320, "height": 640}, is_mobile=True
        )
        victim.route(re.compile(r"https://www\.bbc\.co\.uk/.*"), lambda route: route.fulfill(body="Weather"))
        specialist_page = staff.new_page()
        victim_page = victim.new_page()

        self.specialist_signs_in(specialist_page)
        self.specialist_sends_link(specialist_page)

        victim_page.goto(self.link_from_outbox())
        assert "/j/" not in victim_page.url
        assert fits_the_screen(victim_page)
        victim_page.get_by_role("button", name="Agree and continue").click()
        assert fits_the_screen(victim_page)
        victim_page.get_by_role("button", name="I'm ready").click()
        expect(victim_page.locator("#call-status")).to_have_text("Waiting for the specialist to join…")
        expect(specialist_page.locator("#caller-presence")).to_have_text("Waiting in the call room")
        expect(specialist_page).to_have_title(re.compile("^● Waiting in the call room"))

        specialist_page.get_by_role("button", name="Join call").click()
        first_victim = wait_for_frames(victim_page)
        first_staff = wait_for_frames(specialist_page)
        wait_for_frames(victim_page, more_than=first_victim)
        wait_for_frames(specialist_page, more_than=first_staff)
        expect(specialist_page.locator("#caller-presence")).to_have_text("In the call")
        expect(specialist_page.locator("#state")).to_have_text("In call")
        expect(specialist_page).not_to_have_title(re.compile("●"))

        victim_page.get_by_label("Type a message").fill("I can only type right now")
        victim_page.get_by_label("Type a message").press("Enter")
        expect(specialist_page.locator("#chat")).to_contain_text("Caller: I can only type right now")
        specialist_page.locator("#chat-text").fill("Understood. Stay on this page.")
        specialist_page.locator("#chat-text").press("Enter")
        expect(victim_page.locator("#chat")).to_contain_text("Specialist: Understood. Stay on this page.")

        victim_page.get_by_role("button", name="Mute").click()
        expect(victim_page.get_by_role("button", name="Mute")).to_have_attribute("aria-pressed", "true")
        assert victim_page.evaluate("window.currentCall.local.getAudioTracks().every((t) => !t.enabled)")
        victim_page.get_by_role("button", name="Camera off").click()
        assert victim_page.evaluate("window.currentCall.local.getVideoTracks().every((t) => !t.enabled)")

        # A dropped signaling connection reconnects by itself and the call is negotiated afresh.
        victim_page.evaluate("window.currentCall.ws.close()")
        expect(specialist_page.locator("#timeline")).to_contain_text("Left · Caller")
        expect(specialist_page.locator("#caller-presence")).to_have_text("In the call")
        staff_frames = specialist_page.evaluate(FRAMES_DECODED)
        wait_for_frames(specialist_page, more_than=staff_frames)

        # A reload puts the caller straight back into the same call, still muted and with the camera off.
        victim_page.reload()
        expect(specialist_page.locator("#timeline")).to_contain_text("Left · Caller")
        wait_for_frames(victim_page)
        expect(victim_page.get_by_role("button", name="Mute")).to_have_attribute("aria-pressed", "true")
        expect(victim_page.get_by_role("button", name="Camera off")).to_have_attribute("aria-pressed", "true")
        assert victim_page.evaluate("window.currentCall.local.getTracks().every((t) => !t.enabled)")
        staff_frames = specialist_page.evaluate(FRAMES_DECODED)
        wait_for_frames(specialist_page, more_than=staff_frames)
        expect(victim_page.locator("#chat")).to_contain_text("Specialist: Understood. Stay on this page.")

        for _ in range(3):
            victim_page.keyboard.press("Shift")
        victim_page.wait_for_url(SAFE_EXIT + "**")
        expect(specialist_page.locator("#caller-presence")).to_have_text("Left the call")
        expect(specialist_page.locator("#timeline")).to_contain_text("Left · Caller")
        expect(specialist_page.locator("#timeline")).to_contain_text("Video connected")
