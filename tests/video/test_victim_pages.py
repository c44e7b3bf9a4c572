"""The caller's pages: neutral, uncached, unindexed, easy to leave, and camera only where the call is."""

import hashlib
import html
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.personas import session_with_link, verified_client
from video.models import ConsentDecision, ConsentRecord
from video.notices import NOTICE_VERSION, consent_notice

NEUTRAL = "This link is no longer valid"
INSTAGRAM = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 Instagram 325.0.0.35.91 (iPhone13,2; iOS 17_4; en_GB; en; scale=3.00; 1170x2532)"
)
FACEBOOK = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 [FBAN/FBIOS;FBAV/455.0.0.38.107;FBBV/571046451;FBDV/iPhone13,2;FBMD/iPhone;FBSN/iOS]"
)
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1"
)
OPEN_IN_BROWSER = "Open in browser"


def opened(token: str, **client_kwargs) -> Client:
    phone = Client(**client_kwargs)
    assert phone.get(f"/j/{token}").status_code == 302
    return phone


def consented(token: str, video: str = "yes", **client_kwargs) -> Client:
    phone = opened(token, **client_kwargs)
    phone.post("/v/consent/", {"notice_version": NOTICE_VERSION, "video": video})
    return phone


# --- Redeeming the link --------------------------------------------------------


def test_the_link_redirects_to_an_address_without_the_token(people):
    _, _, token = session_with_link(people.alice)
    response = Client().get(f"/j/{token}")
    assert response.status_code == 302
    assert response["Location"] == "/v/"


def test_the_device_cookie_is_http_only_and_secure_in_production(people, settings):
    settings.DEBUG = False
    _, _, token = session_with_link(people.alice)
    cookie = Client().get(f"/j/{token}").cookies["vdevice"]
    assert cookie["httponly"] and cookie["secure"]
    assert cookie["samesite"] == "Lax"


def test_the_device_cookie_is_not_secure_only_in_development(people, settings):
    settings.DEBUG = True
    _, _, token = session_with_link(people.alice)
    cookie = Client().get(f"/j/{token}").cookies["vdevice"]
    assert cookie["httponly"]
    assert not cookie["secure"]


def refusals(people):
    """One response for each way a link can be refused."""
    _, expired, expired_token = session_with_link(people.alice, reference="INC-1")
    expired.expires_at = timezone.now() - timedelta(seconds=1)
    expired.save()
    _, revoked, revoked_token = session_with_link(people.alice, reference="INC-2")
    revoked.revoked_at = timezone.now()
    revoked.save()
    _, _, taken_token = session_with_link(people.alice, reference="INC-3")
    opened(taken_token)
    return {
        "expired": Client().get(f"/j/{expired_token}"),
        "revoked": Client().get(f"/j/{revoked_token}"),
        "unknown": Client().get("/j/AAAAAAAAAAAAAAAAAAAAAA"),
        "second device": Client().get(f"/j/{taken_token}"),
        "garbage": Client().get("/j/%3Cscript%3E"),
    }


def test_every_refusal_is_the_same_page_byte_for_byte(people):
    responses = refusals(people)
    bodies = {r.content for r in responses.values()}
    assert {r.status_code for r in responses.values()} == {404}
    assert len(bodies) == 1
    assert NEUTRAL in bodies.pop().decode()
    assert {r.get("Set-Cookie") for r in responses.values()} == {None}


def test_the_neutral_page_says_how_to_get_help(people):
    page = Client().get("/j/AAAAAAAAAAAAAAAAAAAAAA").content.decode()
    assert "999" in page and "55" in page


def test_redemption_is_rate_limited_per_address(people, settings):
    settings.JOIN_REDEMPTION_LIMIT = 3
    _, _, token = session_with_link(people.alice)
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        guesser.get("/j/AAAAAAAAAAAAAAAAAAAAAA")
    limited = guesser.get(f"/j/{token}")
    assert limited.status_code == 429
    assert NEUTRAL in limited.content.decode()
    assert "vdevice" not in limited.cookies
    assert Client(REMOTE_ADDR="203.0.113.10").get(f"/j/{token}").status_code == 302


def test_a_refused_token_never_reaches_the_logs(people, settings, caplog):
    caplog.set_level("DEBUG")
    settings.JOIN_REDEMPTION_LIMIT = 1
    _, _, token = session_with_link(people.alice)
    phone = Client()
    phone.get("/j/AAAAAAAAAAAAAAAAAAAAAA")
    assert phone.get(f"/j/{token}").status_code == 429  # the caller's own, still valid, link
    assert token not in caplog.text
    assert "AAAAAAAAAAAAAAAAAAAAAA" not in caplog.text


def test_a_messaging_app_drawing_a_preview_does_not_use_up_the_link(people):
    _, link, token = session_with_link(people.alice)
    preview = Client(HTTP_USER_AGENT="WhatsApp/2.24.6.77 A").get(f"/j/{token}")
    assert preview.status_code == 200
    assert "vdevice" not in preview.cookies
    assert Client().head(f"/j/{token}").status_code == 200
    assert Client().post(f"/j/{token}").status_code == 200
    link.refresh_from_db()
    assert link.redeemed_at is None
    assert opened(token)


def test_a_preview_looks_the_same_for_any_token(people):
    _, _, token = session_with_link(people.alice)
    bot = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"
    real = Client(HTTP_USER_AGENT=bot).get(f"/j/{token}")
    fake = Client(HTTP_USER_AGENT=bot).get("/j/AAAAAAAAAAAAAAAAAAAAAA")
    assert real.status_code == fake.status_code
    assert real.content == fake.content


def test_the_same_phone_can_open_its_link_again(people):
    _, _, token = session_with_link(people.alice)
    phone = opened(token)
    assert phone.get(f"/j/{token}").status_code == 302
    assert phone.get("/v/").status_code == 200


def test_without_the_device_cookie_the_call_page_is_the_neutral_page(people):
    session_with_link(people.alice)
    response = Client().get("/v/")
    assert response.status_code == 404
    assert NEUTRAL in response.content.decode()


# --- What every victim page carries --------------------------------------------


def victim_pages(people) -> dict:
    _, _, consent_token = session_with_link(people.alice, reference="INC-1")
    _, _, call_token = session_with_link(people.alice, reference="INC-2")
    _, _, chat_token = session_with_link(people.alice, reference="INC-3")
    return {
        "neutral": Client().get("/j/AAAAAAAAAAAAAAAAAAAAAA"),
        "consent": opened(consent_token).get("/v/"),
        "call": consented(call_token).get("/v/"),
        "text only": consented(chat_token, video="no").get("/v/"),
        "preview": Client(HTTP_USER_AGENT="Twitterbot/1.0").get("/j/AAAAAAAAAAAAAAAAAAAAAA"),
    }


@pytest.mark.parametrize("page", ["neutral", "consent", "call", "text only", "preview"])
def test_every_victim_page_is_uncached_unindexed_and_sends_no_referrer(people, page):
    response = victim_pages(people)[page]
    assert response["Cache-Control"] == "no-store"
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert re.search(r'<meta name="robots" content="noindex[^"]*">', response.content.decode())


@pytest.mark.parametrize("page", ["neutral", "consent", "call", "text only", "preview"])
def test_every_victim_page_has_an_exit_link_first(people, page):
    body = victim_pages(people)[page].content.decode()
    exit_link = re.search(r'<a id="exit"[^>]*href="([^"]+)"[^>]*>Exit this page</a>', body)
    assert exit_link and exit_link.group(1) == "https://www.bbc.co.uk/weather"
    assert body.index('id="exit"') < body.index("<main")


def test_the_exit_link_goes_to_the_forces_own_safe_site(people):
    people.force_a.safe_exit_url = "https://www.example.com/recipes"
    people.force_a.save()
    _, _, token = session_with_link(people.alice)
    assert 'href="https://www.example.com/recipes"' in opened(token).get("/v/").content.decode()


@pytest.mark.parametrize("page", ["neutral", "consent", "call", "text only"])
def test_every_victim_page_has_a_language_a_heading_and_a_main_landmark(people, page):
    body = victim_pages(people)[page].content.decode()
    assert '<html lang="en-gb">' in body
    assert "<main" in body and "<h1" in body
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in body


def test_nothing_on_the_victim_pages_names_the_police_or_the_caller(people):
    pages = victim_pages(people)
    for response in pages.values():
        text = response.content.decode().lower()
        assert "police" not in text and "force a" not in text and "inc-" not in text
        assert "7700" not in text


# --- Consent --------------------------------------------------------------------


def test_consent_records_one_decision_per_scope_with_the_hash_of_the_words_shown(people):
    session, _, token = session_with_link(people.alice)
    phone = opened(token)
    page = html.unescape(phone.get("/v/").content.decode())
    notice = consent_notice()
    for part in notice.values():
        assert part in page
    phone.post("/v/consent/", {"notice_version": NOTICE_VERSION, "video": "yes", "location": "yes"})
    records = ConsentRecord.objects.filter(session=session)
    assert sorted(records.values_list("scope", "decision")) == [("location", "granted"), ("video", "granted")]
    shown = "\n\n".join([notice["intro"], notice["video"], notice["location"]])
    for record in records:
        assert record.notice_sha256 == hashlib.sha256(shown.encode()).hexdigest()
        assert record.notice_version == NOTICE_VERSION
        assert record.language == "en-gb"
        assert record.method == "on_device"


def test_a_double_submit_records_the_decisions_once(people):
    session, _, token = session_with_link(people.alice)
    phone = opened(token)
    phone.post("/v/consent/", {"notice_version": NOTICE_VERSION, "video": "yes"})
    phone.post("/v/consent/", {"notice_version": NOTICE_VERSION, "video": "no", "location": "yes"})
    assert ConsentRecord.objects.filter(session=session).count() == 2
    assert ConsentRecord.objects.get(session=session, scope="video").decision == ConsentDecision.GRANTED


def test_consent_from_an_old_notice_is_not_recorded(people):
    session, _, token = session_with_link(people.alice)
    phone = opened(token)
    response = phone.post("/v/consent/", {"notice_version": "2020-01-v0", "video": "yes"})
    assert response["Location"] == "/v/"
    assert not ConsentRecord.objects.filter(session=session).exists()


def test_consent_posts_as_a_browser_sends_it_under_no_referrer(people):
    session, _, token = session_with_link(people.alice)
    phone = opened(token, enforce_csrf_checks=True)
    response = phone.post(
        "/v/consent/",
        {"notice_version": NOTICE_VERSION, "video": "yes"},
        HTTP_ORIGIN="null",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 302
    assert ConsentRecord.objects.filter(session=session).count() == 2


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_SEC_FETCH_SITE": "cross-site"}, {"HTTP_ORIGIN": "https://evil.example"}],
    ids=["cross-site", "foreign-origin"],
)
def test_consent_posted_from_another_site_is_refused(people, headers):
    session, _, token = session_with_link(people.alice)
    phone = opened(token)
    response = phone.post("/v/consent/", {"notice_version": NOTICE_VERSION, "video": "yes"}, **headers)
    assert response.status_code == 404
    assert not ConsentRecord.objects.filter(session=session).exists()


def test_the_phone_is_left_with_only_the_device_cookie(people):
    _, _, token = session_with_link(people.alice)
    phone = consented(token)
    phone.get("/v/")
    assert set(phone.cookies) == {"vdevice"}


def test_consent_without_the_device_cookie_is_refused(people):
    session, _, _ = session_with_link(people.alice)
    response = Client().post("/v/consent/", {"notice_version": NOTICE_VERSION, "video": "yes"})
    assert response.status_code == 404
    assert not ConsentRecord.objects.exists()


def test_consent_is_post_only(people):
    _, _, token = session_with_link(people.alice)
    assert opened(token).get("/v/consent/").status_code == 405


def test_agreeing_leads_to_the_camera_check(people):
    _, _, token = session_with_link(people.alice)
    page = consented(token).get("/v/").content.decode()
    assert "Check your camera and microphone" in page
    assert 'id="step-preview"' in page


def test_refusing_video_leads_to_a_text_chat_only_page(people):
    _, _, token = session_with_link(people.alice)
    page = consented(token, video="no").get("/v/").content.decode()
    assert "<h1>Text chat</h1>" in page
    assert 'id="chat-form"' in page and '<label for="chat-text">' in page
    assert "<video" not in page and 'id="step-preview"' not in page
    assert 'data-video="0"' in page


# --- Browsers ---------------------------------------------------------------------


@pytest.mark.parametrize("agent", [INSTAGRAM, FACEBOOK], ids=["instagram", "facebook"])
def test_an_in_app_browser_is_told_to_open_the_link_in_the_phones_browser(people, agent):
    _, _, token = session_with_link(people.alice)
    phone = opened(token, HTTP_USER_AGENT=agent)
    assert OPEN_IN_BROWSER in html.unescape(phone.get("/v/").content.decode())
    phone.post("/v/consent/", {"notice_version": NOTICE_VERSION, "video": "yes"})
    call = phone.get("/v/").content.decode()
    assert re.search(r'<div class="notice" id="in-app-help" role="alert">', call)


def test_an_ordinary_browser_sees_no_in_app_help(people):
    _, _, token = session_with_link(people.alice)
    phone = opened(token, HTTP_USER_AGENT=SAFARI)
    assert OPEN_IN_BROWSER not in html.unescape(phone.get("/v/").content.decode())
    phone.post("/v/consent/", {"notice_version": NOTICE_VERSION, "video": "yes"})
    assert re.search(r'id="in-app-help"[^>]*hidden', phone.get("/v/").content.decode())


# --- Headers ------------------------------------------------------------------------


def test_camera_and_microphone_are_allowed_only_on_the_call_pages(people):
    session, _, token = session_with_link(people.alice)
    staff = verified_client(people.alice)
    call_pages = [consented(token).get("/v/"), staff.get(f"/sessions/{session.pk}/")]
    other_pages = [
        Client().get("/login/"),
        staff.get("/cases/"),
        staff.get(f"/cases/{session.case.pk}/"),
        Client().get("/j/AAAAAAAAAAAAAAAAAAAAAA"),
        Client().get("/v/"),
    ]
    for response in call_pages:
        assert "camera=(self)" in response["Permissions-Policy"]
        assert "microphone=(self)" in response["Permissions-Policy"]
    for response in other_pages:
        assert "camera=()" in response["Permissions-Policy"]
        assert "microphone=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]


def test_the_content_security_policy_allows_no_inline_code(people):
    session, _, token = session_with_link(people.alice)
    staff = verified_client(people.alice)
    pages = [
        consented(token).get("/v/"),
        Client().get("/j/AAAAAAAAAAAAAAAAAAAAAA"),
        Client().get("/login/"),
        staff.get("/cases/"),
        staff.get("/cases/new/"),
        staff.get(f"/sessions/{session.pk}/"),
    ]
    for response in pages:
        csp = response["Content-Security-Policy"]
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
        assert "script-src 'self' 'nonce-" in csp
        assert "frame-ancestors 'none'" in csp
        body = response.content.decode()
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", body), "inline script"
        assert not re.search(r"\sstyle=", body) and not re.search(r"\son[a-z]+=", body)


def test_sockets_may_reach_only_this_host(people):
    csp = Client().get("/login/")["Content-Security-Policy"]
    connect = next(part for part in csp.split(";") if "connect-src" in part).split()
    assert connect == ["connect-src", "'self'", "ws://testserver", "wss://testserver"]
