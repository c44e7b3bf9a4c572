"""WCAG 2.2 AA on every caller's page and on the specialist's call page, in a real browser.

axe-core scans each page in each state a caller meets it (link refused, link preview,
consent, camera check, waiting room, in the call, in-app browser), in English and in
Arabic (right to left); the specialist's session page is scanned in the call. The
rest axe cannot judge is checked directly: every control reachable by keyboard with
a visible focus, nothing sideways-scrolling at 320 px or at 200% zoom, motion off when
the phone asks, and chat lines from the specialist announced by screen readers.
"""

import pytest
from playwright.sync_api import expect

from tests.axe import assert_accessible
from tests.e2e.calls import CallTestCase, caller_enters, send_link, specialist_joins
from tests.e2e.test_call import fits_the_screen

INSTAGRAM = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 Instagram 325.0.0.35.91 (iPhone13,2; iOS 17_4; en_GB; en; scale=3.00; 1170x2532)"
)
WHATSAPP_PREVIEW = "WhatsApp/2.23.20.0 A"
CALLER_MOBILE = "07700 900124"
# The element focused now, and whether the browser draws a visible focus indicator on it.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  return {id: el.id || el.tagName + ":" + (el.textContent || el.value || "").trim().slice(0, 40),
          visible: outline || style.boxShadow !== "none"};
}"""
CONTROLS = """() => [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea")]
  .filter((el) => !el.disabled && el.offsetParent !== null)
  .map((el) => el.id || el.tagName + ":" + (el.textContent || el.value || "").trim().slice(0, 40))"""
MOVING = """() => [...document.querySelectorAll("*")].filter((el) => {
  const s = getComputedStyle(el);
  const long = (t) => t.split(",").some((d) => parseFloat(d) * (d.trim().endsWith("ms") ? 1 : 1000) > 10);
  return (s.animationName !== "none" && long(s.animationDuration)) || long(s.transitionDuration);
}).map((el) => el.id || el.tagName)"""

UNCOVERED = """(el) => {
  const r = el.getBoundingClientRect();
  return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === el;
}"""


def keyboard_walk(page, presses: int = 40) -> list[dict]:
    page.evaluate("document.activeElement && document.activeElement.blur()")
    seen = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused and focused not in seen:
            seen.append(focused)
    return seen


def assert_keyboard_reaches_everything(page, where: str) -> None:
    reached = keyboard_walk(page)
    missing = set(page.evaluate(CONTROLS)) - {f["id"] for f in reached}
    assert not missing, f"not reachable by Tab on {where}: {missing}"
    hidden_focus = [f["id"] for f in reached if not f["visible"]]
    assert not hidden_focus, f"no visible focus on {where}: {hidden_focus}"


@pytest.mark.e2e
class TestAccessibility(CallTestCase):
    def phone(self, **options):
        """The caller's phone, with axe allowed past the page's Content-Security-Policy."""
        return self.phone_page(is_mobile=True, bypass_csp=True, **options)

    def specialist(self):
        """Alice, signed in, at the case list."""
        page = self.staff_page(bypass_csp=True)
        self.sign_in(page, self.people.alice)
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        page.goto(self.live_server_url + "/cases/")
        expect(page.get_by_role("heading", name="Cases")).to_be_visible()
        return page

    def send_link(self, page, language: str = "en-gb") -> str:
        send_link(page, mobile=CALLER_MOBILE, reference="INC-2026-0077", language=language)
        return self.link_from_outbox(CALLER_MOBILE)

    def scan(self, page, where: str) -> None:
        assert_accessible(page, where)
        assert fits_the_screen(page), f"sideways scrolling at {page.viewport_size['width']} px on {where}"

    def walk_the_call(self, language: str, words: dict) -> None:
        specialist = self.specialist()
        link = self.send_link(specialist, language)

        preview = self.phone(user_agent=WHATSAPP_PREVIEW)
        preview.goto(link)
        self.scan(preview, f"the link preview page ({language})")

        victim = self.phone()
        victim.goto(link)
        self.scan(victim, f"the consent page ({language})")
        victim.get_by_role("button", name=words["agree"]).click()
        expect(victim.get_by_role("button", name=words["ready"])).to_be_enabled()
        self.scan(victim, f"the camera check ({language})")
        victim.get_by_role("button", name=words["ready"]).click()
        expect(specialist.locator("#caller-presence")).to_have_text("Waiting in the call room")
        self.scan(victim, f"the waiting room ({language})")

        specialist.get_by_role("button", name="Join call").click()
        expect(specialist.locator("#caller-presence")).to_have_text("In the call")
        specialist.locator("#chat-text").fill("Hello, I am here.")
        specialist.locator("#chat-text").press("Enter")
        expect(victim.locator("#chat")).to_contain_text("Hello, I am here.")
        self.scan(victim, f"the call ({language})")
        assert_accessible(specialist, "the specialist's call page")

        refused = self.phone(locale=language)
        refused.goto(link)  # already opened on the caller's phone: the neutral refusal
        self.scan(refused, f"the link-refused page ({language})")

    def test_every_english_page_passes_axe(self):
        self.walk_the_call("en-gb", {"agree": "Agree and continue", "ready": "I'm ready"})

    def test_every_arabic_page_passes_axe_right_to_left(self):
        self.walk_the_call("ar", {"agree": "أوافق وأتابع", "ready": "الانضمام الآن"})

    def test_the_in_app_browser_pages_pass_axe(self):
        link = self.send_link(self.specialist())
        victim = self.phone(user_agent=INSTAGRAM)
        victim.goto(link)
        expect(victim.locator("#in-app-help")).to_be_visible()
        self.scan(victim, "the consent page in an in-app browser")
        victim.get_by_role("button", name="No video, text chat only").click()
        self.scan(victim, "the text chat page in an in-app browser")

    def test_a_keyboard_reaches_every_control_with_a_visible_focus(self):
        specialist = self.specialist()
        link = self.send_link(specialist)
        victim = self.phone()
        victim.goto(link)
        assert_keyboard_reaches_everything(victim, "the consent page")
        victim.get_by_role("button", name="Agree and continue").click()
        expect(victim.get_by_role("button", name="I'm ready")).to_be_enabled()
        assert_keyboard_reaches_everything(victim, "the camera check")
        victim.get_by_role("button", name="I'm ready").click()
        assert_keyboard_reaches_everything(victim, "the waiting room")
        assert_keyboard_reaches_everything(specialist, "the specialist's session page")

    def test_the_pages_reflow_at_200_percent_zoom_and_larger_text(self):
        link = self.send_link(self.specialist())
        # 200% zoom in a 1280 x 800 browser window lays the page out 640 x 400 CSS pixels.
        zoomed = self.browser.new_context(viewport={"width": 640, "height": 400}, bypass_csp=True).new_page()
        zoomed.goto(link)
        assert fits_the_screen(zoomed)
        agree = zoomed.get_by_role("button", name="Agree and continue")
        agree.scroll_into_view_if_needed()
        expect(agree).to_be_in_viewport()
        assert agree.evaluate(UNCOVERED), "the fixed Exit button covers the main button at 200% zoom"
        # Text alone at 200% on a 320 px phone still fits without sideways scrolling.
        phone = self.phone()
        phone.goto(self.live_server_url + "/v/")
        phone.evaluate("document.documentElement.style.fontSize = '200%'")
        assert fits_the_screen(phone), "sideways scrolling with text at 200% on the refusal page"

    def test_nothing_moves_when_the_phone_asks_for_reduced_motion(self):
        link = self.send_link(self.specialist())
        victim = self.phone(reduced_motion="reduce")
        victim.goto(link)
        assert victim.evaluate(MOVING) == []
        victim.get_by_role("button", name="Agree and continue").click()
        victim.get_by_role("button", name="I'm ready").click()
        assert victim.evaluate(MOVING) == []

    def test_chat_from_the_specialist_is_announced_to_screen_readers(self):
        specialist = self.specialist()
        link = self.send_link(specialist)
        victim = self.phone()
        caller_enters(victim, link)
        specialist_joins(specialist)
        specialist.locator("#chat-text").fill("Are you safe to talk?")
        specialist.locator("#chat-text").press("Enter")

        line = victim.locator("#chat").get_by_role("listitem").filter(has_text="Are you safe to talk?")
        expect(line).to_have_text("Specialist: Are you safe to talk?")
        live = line.evaluate("(li) => li.closest('[aria-live]').getAttribute('aria-live')")
        assert live == "polite"
