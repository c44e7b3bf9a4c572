"""The whole core loop in two real browsers: SMS link → consent → live video call → quick exit."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.calls import CallTestCase, chat_both_ways, send_link
from tests.e2e.media import AUDIO_PACKETS, FRAMES_DECODED, wait_for_frames, wait_for_rising

SAFE_EXIT = "https://www.bbc.co.uk/weather"
NO_CAMERA = """(() => {
  const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (c) =>
    c && c.video ? Promise.reject(new DOMException("Requested device not found", "NotFoundError")) : real(c);
})();"""


def fits_the_screen(page) -> bool:
    """Nothing forces sideways scrolling on a 320 px wide phone."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.e2e
class TestCoreLoop(CallTestCase):
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
        specialist_page = self.staff_page()
        victim_page = self.phone_page(is_mobile=True)
        weather = re.compile(r"https://www\.bbc\.co\.uk/.*")
        victim_page.context.route(weather, lambda route: route.fulfill(body="Weather"))

        self.sign_in(specialist_page, self.people.alice)
        expect(specialist_page.get_by_role("heading", name="Dashboard")).to_be_visible()
        send_link(specialist_page)

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

        chat_both_ways(victim_page, specialist_page)

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
