"""Listening in, in three real browsers: the caller, Alice (specialist) and Bob (supervisor)."""

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.calls import WATCH_PAGE, CallTestCase
from tests.e2e.media import BYTES_SENT, wait_for_each_peer


@pytest.mark.e2e
class TestListeningIn(CallTestCase):
    def test_a_supervisor_listens_in_coaches_the_specialist_and_steps_in(self):
        specialist_page, victim_page = self.caller_and_specialist_talking(phone_script=WATCH_PAGE)
        session_url = specialist_page.url

        # No camera or microphone permission at all: listening in must never ask for them.
        supervisor = self.browser.new_context()
        supervisor.add_init_script(WATCH_PAGE)
        bob_page = supervisor.new_page()
        self.sign_in(bob_page, self.people.bob)
        bob_page.goto(session_url)
        bob_page.get_by_role("button", name="Listen in").click()
        expect(bob_page.locator("#call-status")).to_contain_text("You are listening in")

        # Bob decodes both the caller's and Alice's video, and sends nothing.
        first = wait_for_each_peer(bob_page, 2)
        wait_for_each_peer(bob_page, 2, above=first)
        assert bob_page.evaluate(BYTES_SENT) == 0
        assert bob_page.evaluate("window.__mediaRequests") == 0
        assert bob_page.evaluate(
            """() => Object.values(window.currentCall.peers).every((p) =>
                 p.pc.getTransceivers().every((t) => t.direction === "recvonly" && !t.sender.track))"""
        )

        # The caller is told, and the call goes on for her.
        expect(victim_page.locator("#colleague-notice")).to_have_text("A colleague has joined to support the call.")
        expect(victim_page.locator("#call-status")).to_have_text("You are talking to the specialist.")

        # A coaching note reaches Alice, and never the caller's page or socket.
        bob_page.get_by_label("Coaching note").fill("Ask if the children are safe")
        bob_page.get_by_label("Coaching note").press("Enter")
        expect(specialist_page.locator("#coaching")).to_contain_text("Ask if the children are safe")
        expect(bob_page.locator("#coaching")).to_contain_text("You: Ask if the children are safe")
        frames = [json.loads(f) for f in victim_page.evaluate("window.__frames")]
        assert not [f for f in frames if f.get("type") == "coach"]
        assert "children are safe" not in victim_page.content()

        # Bob steps in: the caller is told, and now sees him as well.
        bob_page.get_by_role("button", name="Step in").click()
        expect(victim_page.locator("#colleague-notice")).to_have_text("A colleague has joined the call.")
        wait_for_each_peer(victim_page, 2)
        expect(specialist_page.locator("#timeline")).to_contain_text("Colleague listening in")
        expect(specialist_page.locator("#timeline")).to_contain_text("Colleague joined the call")
