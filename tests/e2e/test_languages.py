"""The caller's language end to end: the specialist picks it on the case, the text and the
pages follow, Arabic lays out right to left, and the consent record keeps the hash of the
exact Arabic words the caller saw."""

import hashlib
import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from response_platform.sms.models import OutboxMessage
from tests.e2e.calls import CallTestCase, international, send_link
from video.models import ConsentRecord, ConsentScope
from video.notices import notice_text

SHOWN_NOTICE = "() => [...document.querySelectorAll('[data-notice]')].map((el) => el.innerText.trim()).join('\\n\\n')"


@pytest.mark.e2e
class TestLanguages(CallTestCase):
    def specialist_sends_link(self, language: str, phone: str) -> str:
        """Alice texts `phone` a link for a case in `language`; returns the text's body."""
        page = self.staff_page()
        self.sign_in(page, self.people.alice)
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        page.goto(self.live_server_url + "/cases/")
        expect(page.get_by_role("heading", name="Cases")).to_be_visible()
        send_link(page, mobile=phone, reference=f"INC-2026-{language}", language=language)
        page.context.close()
        return OutboxMessage.objects.get(to=international(phone)).body

    def test_an_arabic_caller_reads_and_agrees_to_the_arabic_notice_right_to_left(self):
        body = self.specialist_sends_link("ar", "07700 900125")
        assert body.startswith("هذا هو الرابط الذي تحدثنا عنه. يعمل لمدة 30 دقيقة: https://")

        page = self.phone_page(is_mobile=True)
        page.goto(self.link_from_outbox("07700 900125"))

        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("html")).to_have_attribute("lang", "ar")
        expect(page.get_by_role("heading", level=1)).to_have_text("قبل أن نبدأ")
        # Mirrored: the Exit button sits on the left of a right-to-left page.
        exit_box = page.get_by_role("link", name="الخروج من هذه الصفحة").bounding_box()
        assert exit_box["x"] < 320 / 2
        shown = page.evaluate(SHOWN_NOTICE)
        with translation.override("ar"):
            assert shown == notice_text()

        page.get_by_role("button", name="أوافق وأتابع").click()
        expect(page.get_by_role("button", name="الانضمام الآن")).to_be_visible()

        record = ConsentRecord.objects.get(scope=ConsentScope.VIDEO)
        assert record.language == "ar"
        assert record.notice_sha256 == hashlib.sha256(shown.encode()).hexdigest()

    def test_the_caller_switches_to_welsh_on_the_page(self):
        self.specialist_sends_link("ur", "07700 900126")
        # Without JavaScript the language switch is a plain form post.
        page = self.phone_page(java_script_enabled=False)
        page.goto(self.link_from_outbox("07700 900126"))
        expect(page.locator("html")).to_have_attribute("dir", "rtl")

        page.get_by_label("زبان").select_option("cy")
        page.get_by_role("button", name="زبان تبدیل کریں").click()

        expect(page.locator("html")).to_have_attribute("lang", "cy")
        expect(page.locator("html")).not_to_have_attribute("dir", "rtl")
        expect(page.get_by_role("heading", level=1)).to_have_text("Cyn i ni ddechrau")
        page.get_by_role("button", name="Cytuno a pharhau").click()
        assert ConsentRecord.objects.get(scope=ConsentScope.VIDEO).language == "cy"

    def test_a_welsh_case_gets_its_text_in_welsh(self):
        body = self.specialist_sends_link("cy", "07700 900127")
        assert re.fullmatch(
            r"Dyma'r ddolen y buon ni'n siarad amdani\. Mae'n gweithio am 30 munud: https://\S+/j/[\w-]{22}", body
        )
