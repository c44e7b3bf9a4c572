"""An interpreter invited by text joins the call on their own device, and is removed."""

import re

import pytest
from playwright.sync_api import expect

from response_platform.sms.models import OutboxMessage
from tests.e2e.calls import REFERENCE, CallTestCase
from tests.e2e.media import AUDIO_PACKETS, wait_for_each_peer, wait_for_rising

INTERPRETER_MOBILE = "+447700900555"


@pytest.mark.e2e
class TestGuest(CallTestCase):
    def test_an_interpreter_joins_by_guest_link_and_is_removed(self):
        specialist_page, victim_page = self.caller_and_specialist_talking()

        specialist_page.get_by_role("link", name="Invite an officer, interpreter or advocate").click()
        specialist_page.get_by_label("Who").select_option("interpreter")
        specialist_page.get_by_label("Interpreter's or advocate's mobile number or email").fill("07700 900555")
        specialist_page.get_by_role("button", name="Invite").click()
        expect(specialist_page.get_by_text("The link is on its way")).to_be_visible()
        text = OutboxMessage.objects.get(to=INTERPRETER_MOBILE).body
        assert REFERENCE not in text
        link = self.live_server_url + re.search(r"/g/[A-Za-z0-9_-]{22}", text).group(0)

        interpreter = self.browser.new_context(permissions=["camera", "microphone"])
        guest_page = interpreter.new_page()
        guest_page.goto(link)
        assert "/g/" in guest_page.url and guest_page.url.endswith("/g/")  # the token has left the address bar
        assert REFERENCE not in guest_page.content()
        guest_page.get_by_role("button", name="Join call").click()

        # The interpreter sees and hears both the caller and the specialist.
        wait_for_each_peer(guest_page, 2)
        heard = wait_for_rising(guest_page, AUDIO_PACKETS)
        wait_for_rising(guest_page, AUDIO_PACKETS, more_than=heard)
        expect(victim_page.locator("#colleague-notice")).to_have_text("An interpreter or advocate has joined the call.")
        wait_for_each_peer(victim_page, 2)  # and the caller sees the interpreter

        # Alice removes the interpreter: their socket closes and the link is dead.
        specialist_page.reload()
        specialist_page.get_by_role("button", name="Remove Interpreter").click()
        expect(guest_page.locator("#ended")).to_have_text(
            "You have been removed from the call. This link no longer works."
        )
        guest_page.wait_for_function("window.currentCall.ws.readyState === WebSocket.CLOSED")
        expect(specialist_page.locator("#timeline")).to_contain_text("Guest removed")
        guest_page.goto(link)
        expect(guest_page.get_by_role("heading", name="This link is no longer valid")).to_be_visible()
        guest_page.goto(self.live_server_url + "/g/")
        expect(guest_page.get_by_role("heading", name="This link is no longer valid")).to_be_visible()
        # The caller's call with the specialist goes on.
        frames = wait_for_each_peer(victim_page, 1)
        wait_for_each_peer(victim_page, 1, above=frames)
