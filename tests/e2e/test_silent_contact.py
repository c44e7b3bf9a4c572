"""Silent contact in two real browsers: the caller answers yes/no questions and picks text only."""

import pytest
from playwright.sync_api import expect

from response_platform.cases.models import Case
from tests.e2e.calls import CallTestCase
from tests.e2e.media import FRAMES_DECODED, wait_for_frames

SENDING = """(kind) => Object.values(window.currentCall.peers).every((p) =>
  p.pc.getSenders().filter((s) => s.track && s.track.kind === kind)
    .every((s) => s.getParameters().encodings.every((e) => e.active)))"""


@pytest.mark.e2e
class TestSilentContact(CallTestCase):
    def test_a_caller_who_cannot_speak_answers_with_buttons_and_switches_to_text_only(self):
        specialist_page, victim_page = self.caller_waits_and_specialist_joins(caller_presses="I'm ready")
        wait_for_frames(victim_page)
        # The caller reads Polish (the page was already open in English, so only the question changes).
        Case.objects.update(preferred_language="pl")

        specialist_page.get_by_role("button", name="Are you safe to talk?").click()
        question = victim_page.locator("#chat li").filter(has_text="Czy możesz bezpiecznie rozmawiać?")
        expect(question).to_be_visible()
        expect(specialist_page.locator("#chat")).to_contain_text(
            "Specialist: Czy możesz bezpiecznie rozmawiać? (Are you safe to talk?)"
        )
        question.get_by_role("button", name="No").click()
        expect(specialist_page.locator("#chat")).to_contain_text("Caller: Nie (No)")
        expect(question.get_by_role("button", name="Yes")).to_be_disabled()

        # A question the specialist types, asked as yes/no.
        specialist_page.locator("#chat-text").fill("Is the door locked?")
        specialist_page.get_by_label("Ask as yes/no").check()
        specialist_page.locator("#chat-text").press("Enter")
        typed = victim_page.locator("#chat li").filter(has_text="Is the door locked?")
        typed.get_by_role("button", name="Yes").click()
        expect(specialist_page.locator("#chat")).to_contain_text("Caller: Tak (Yes)")

        # Text only: nothing leaves the phone, nothing plays aloud, and the specialist is told.
        victim_page.get_by_role("button", name="Text only").click()
        text_only = "Text only: no sound either way. Use the messages below."
        expect(victim_page.locator("#call-mode")).to_have_text(text_only)
        expect(specialist_page.locator("#caller-mode")).to_have_text(
            "The caller chose text only: they cannot hear you. Use the chat and quick questions."
        )
        victim_page.wait_for_function(f"() => !({SENDING})('audio') && !({SENDING})('video')")
        assert victim_page.evaluate("document.getElementById('remote').muted")
        expect(specialist_page.locator("#timeline")).to_contain_text("Caller · text only · chosen")

        # Back to video whenever the caller wants; their choice held while the link was fine.
        victim_page.get_by_role("button", name="Video").click()
        victim_page.wait_for_function(f"() => ({SENDING})('audio') && ({SENDING})('video')")
        expect(specialist_page.locator("#caller-mode")).to_be_hidden()
        frames = specialist_page.evaluate(FRAMES_DECODED)
        wait_for_frames(specialist_page, more_than=frames)
