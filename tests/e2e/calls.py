"""The steps every browser test of a call shares: signing in, sending the link, the caller's way in.

CallTestCase owns the browser for each test; its methods are the user's steps, so a test reads
as the story it checks. Waiting on WebRTC statistics lives in tests/e2e/media.py.
"""

import re

from playwright.sync_api import Page, expect, sync_playwright

from response_platform.sms.models import OutboxMessage
from tests.browsers import BrowserTestCase, launch
from tests.e2e.media import wait_for_each_peer
from tests.migration_data import restore_migration_data
from tests.personas import PASSWORD, current_code, make_personas

DEVICES = ["camera", "microphone"]
# The caller's phone: a small screen, a camera and a microphone.
PHONE = {"permissions": DEVICES, "viewport": {"width": 320, "height": 640}}
CALLER_MOBILE = "07700 900123"
REFERENCE = "INC-2026-0099"
# Counts camera/microphone requests, and keeps every frame the server sends this page.
WATCH_PAGE = """(() => {
  window.__mediaRequests = 0;
  window.__frames = [];
  if (navigator.mediaDevices) {
    const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (c) => { window.__mediaRequests += 1; return real(c); };
  }
  const RealSocket = window.WebSocket;
  window.WebSocket = function (url, protocols) {
    const ws = new RealSocket(url, protocols);
    ws.addEventListener("message", (e) => { window.__frames.push(e.data); });
    return ws;
  };
  window.WebSocket.prototype = RealSocket.prototype;
})();"""


def international(mobile: str) -> str:
    """ "07700 900123" as the outbox stores it: "+447700900123"."""
    return "+44" + mobile.replace(" ", "")[1:]


def send_link(
    page: Page, *, mobile: str = CALLER_MOBILE, reference: str = REFERENCE, training: bool = False, language: str = ""
) -> None:
    """From the case list: open a case for the caller and text them the video link.

    `language` picks the caller's preferred language; empty leaves the form's default."""
    page.get_by_role("link", name="New case").click()
    page.get_by_label("Incident reference").fill(reference)
    page.get_by_label("Caller's mobile number").fill(mobile)
    if language:
        page.get_by_label("Preferred language").select_option(language)
    page.get_by_label("The caller confirmed it is safe to text this number").check()
    if training:
        page.get_by_label(re.compile("Training case")).check()
    page.get_by_role("button", name="Create case").click()
    page.get_by_role("button", name="Send video link by text").click()
    expect(page.get_by_role("heading", name=re.compile("Video session"))).to_be_visible()


def caller_enters(page: Page, link: str, *, presses: str = "I'm ready") -> None:
    """The caller opens the texted link, agrees, and waits in the call room."""
    page.goto(link)
    page.get_by_role("button", name="Agree and continue").click()
    page.get_by_role("button", name=presses).click()


def sign_in_at(page: Page, base: str, user) -> None:
    """Username, password and the authenticator code, as staff sign in at the site `base`."""
    page.goto(base + "/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(current_code(user))
    page.get_by_role("button", name="Sign in").click()
    # A refused sign-in shows the form again: fail here, not at some later step.
    expect(page).not_to_have_url(re.compile(r"/login/"))


def chat_both_ways(victim_page: Page, specialist_page: Page) -> None:
    """In the call, the caller types a line and the specialist answers; each sees the other's."""
    victim_page.get_by_label("Type a message").fill("I can only type right now")
    victim_page.get_by_label("Type a message").press("Enter")
    expect(specialist_page.locator("#chat")).to_contain_text("Caller: I can only type right now")
    specialist_page.locator("#chat-text").fill("Understood. Stay on this page.")
    specialist_page.locator("#chat-text").press("Enter")
    expect(victim_page.locator("#chat")).to_contain_text("Specialist: Understood. Stay on this page.")


def specialist_joins(page: Page) -> None:
    """Once the caller is waiting, the specialist joins the call.

    The wait covers the phone's page loading, its camera starting and its socket joining,
    none of it timed by any test that uses this step: on a loaded 2-core CI machine that
    took longer than Playwright's default 5 s."""
    expect(page.locator("#caller-presence")).to_have_text("Waiting in the call room", timeout=15000)
    page.get_by_role("button", name="Join call").click()


class CallTestCase(BrowserTestCase):
    """A live server, the personas, and one headless Chromium per test."""

    def setUp(self):
        restore_migration_data()
        self.people = make_personas()
        self.playwright = sync_playwright().start()
        self.browser = launch(self.playwright)

    def tearDown(self):
        self.browser.close()
        self.playwright.stop()

    def staff_page(self, *, script: str = "", **options) -> Page:
        """A desk with a camera and microphone; `script` runs in every page before its own.

        `options` add to the browser context (bypass_csp...)."""
        context = self.browser.new_context(permissions=DEVICES, **options)
        if script:
            context.add_init_script(script)
        return context.new_page()

    def phone_page(self, *, script: str = "", **options) -> Page:
        """The caller's phone; `options` change or add to PHONE (geolocation, is_mobile...)."""
        context = self.browser.new_context(**{**PHONE, **options})
        if script:
            context.add_init_script(script)
        return context.new_page()

    def sign_in(self, page: Page, user) -> None:
        """Username, password and the authenticator code, as staff sign in."""
        sign_in_at(page, self.live_server_url, user)

    def link_from_outbox(self, mobile: str = CALLER_MOBILE) -> str:
        """The address in the text the caller was sent (the development outbox keeps it)."""
        body = OutboxMessage.objects.get(to=international(mobile)).body
        return self.live_server_url + re.search(r"/j/[A-Za-z0-9_-]{22}", body).group(0)

    def caller_waits_and_specialist_joins(
        self,
        *,
        caller_presses: str = "I'm ready",
        staff_script: str = "",
        phone_script: str = "",
        mobile: str = CALLER_MOBILE,
        **phone_options,
    ) -> tuple[Page, Page]:
        """Alice sends a link, the caller opens it and waits, Alice presses Join call.

        Returns (specialist page, caller page); media may not flow yet."""
        specialist_page = self.staff_page(script=staff_script)
        self.sign_in(specialist_page, self.people.alice)
        # A specialist starts at the live dashboard, where "New case" is.
        expect(specialist_page.get_by_role("heading", name="Dashboard")).to_be_visible()
        send_link(specialist_page, mobile=mobile)
        victim_page = self.phone_page(script=phone_script, **phone_options)
        caller_enters(victim_page, self.link_from_outbox(mobile), presses=caller_presses)
        specialist_joins(specialist_page)
        return specialist_page, victim_page

    def caller_and_specialist_talking(self, **options) -> tuple[Page, Page]:
        """As caller_waits_and_specialist_joins, and then each sees the other's video."""
        specialist_page, victim_page = self.caller_waits_and_specialist_joins(**options)
        wait_for_each_peer(victim_page, 1)
        wait_for_each_peer(specialist_page, 1)
        return specialist_page, victim_page
