"""Security headers on every kind of page, each visited as the person who would see it.

A strict CSP (nonces, no 'unsafe-inline' for scripts or styles), camera,
microphone and location only on the two call pages, nothing kept in a cache,
and under production settings HSTS and cookies that never travel in clear.
"""

import re
import uuid
from dataclasses import dataclass

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path

from response_platform.accounts.models import Role
from tests.personas import make_user, open_case, session_with_link, verified_client
from tests.production import PUBLIC_HOST, daphne, get, manage, production_env
from video.notices import NOTICE_VERSION


def _boom(request):
    raise RuntimeError("a bug")


# The real URLs, plus one page that fails, to see the server error page as served.
urlpatterns = [path("test-boom/", _boom), path("", include("response_platform.urls"))]


@dataclass
class Page:
    response: HttpResponse
    call_page: bool = False


def _phone(token: str, *, consent: bool) -> Client:
    phone = Client()
    assert phone.get(f"/j/{token}").status_code == 302
    if consent:
        phone.post("/v/consent/", {"notice_version": NOTICE_VERSION, "video": "yes"})
    return phone


def visit(kind: str, people) -> Page:
    alice = verified_client(people.alice)
    if kind == "sign-in page":
        return Page(Client().get("/login/"))
    if kind == "case list":
        open_case(people.alice)
        return Page(alice.get("/cases/"))
    if kind == "case page":
        return Page(alice.get(f"/cases/{open_case(people.alice).pk}/"))
    if kind == "case panel":
        return Page(alice.get(f"/cases/{open_case(people.alice).pk}/panels/referrals/"))
    if kind == "staff call page":
        session, _, _ = session_with_link(people.alice)
        return Page(alice.get(f"/sessions/{session.pk}/"), call_page=True)
    if kind == "re-enter code page":
        return Page(alice.get("/reauth/?next=/cases/"))
    if kind == "admin":
        admin = make_user("erin", people.force_a, Role.FORCE_ADMIN)
        admin.is_staff = True
        admin.save()
        return Page(verified_client(admin).get("/admin/"))
    if kind == "portal inbox":
        return Page(verified_client(people.sid).get("/portal/"))
    if kind == "victim link refused":
        return Page(Client().get("/j/not-a-real-token"))
    if kind == "victim consent page":
        _, _, token = session_with_link(people.alice)
        return Page(_phone(token, consent=False).get("/v/"), call_page=True)
    if kind == "victim call page":
        _, _, token = session_with_link(people.alice)
        return Page(_phone(token, consent=True).get("/v/"), call_page=True)
    if kind == "not found page":
        return Page(alice.get(f"/cases/{uuid.uuid4()}/"))
    if kind == "server error page":
        alice.raise_request_exception = False
        return Page(alice.get("/test-boom/"))
    raise AssertionError(kind)


KINDS = [
    "sign-in page",
    "case list",
    "case page",
    "case panel",
    "staff call page",
    "re-enter code page",
    "admin",
    "portal inbox",
    "victim link refused",
    "victim consent page",
    "victim call page",
    "not found page",
    "server error page",
]
EXPECTED_STATUS = {"victim link refused": 404, "not found page": 404, "server error page": 500}


@pytest.fixture
def page(request, people):
    seen = visit(request.param, people)
    assert seen.response.status_code == EXPECTED_STATUS.get(request.param, 200), request.param
    return seen


def directives(policy: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in policy.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("page", KINDS, indirect=True)
def test_every_page_has_a_strict_content_security_policy(page):
    csp = directives(page.response["Content-Security-Policy"])
    nonce = re.fullmatch(r"'nonce-([\w-]+)'", csp["script-src"][-1]).group(1)
    for name in ("script-src", "style-src"):
        assert csp[name] == ["'self'", f"'nonce-{nonce}'"], name
    assert "'unsafe-inline'" not in str(csp) and "'unsafe-eval'" not in str(csp)
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("page", KINDS, indirect=True)
def test_no_page_carries_a_script_or_style_the_policy_would_block(page):
    html = page.response.content.decode()
    nonce = re.search(r"'nonce-([\w-]+)'", page.response["Content-Security-Policy"]).group(1)
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or f'nonce="{nonce}"' in tag, tag
    for tag in re.findall(r"<style\b[^>]*>", html):
        assert f'nonce="{nonce}"' in tag, tag
    assert not re.search(r"<[^>]+\sstyle=", html), "inline style attribute"
    assert not re.search(r"<[^>]+\son[a-z]+=", html), "inline event handler"


def test_each_response_gets_its_own_nonce(people):
    first, second = Client().get("/login/"), Client().get("/login/")
    assert first["Content-Security-Policy"] != second["Content-Security-Policy"]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("page", KINDS, indirect=True)
def test_camera_microphone_and_location_are_allowed_only_on_the_call_pages(page):
    policy = page.response["Permissions-Policy"]
    if page.call_page:
        assert policy == "camera=(self), microphone=(self), geolocation=(self)"
    else:
        assert policy == "camera=(), microphone=(), geolocation=()"


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("page", KINDS, indirect=True)
def test_no_page_is_kept_in_a_browser_or_proxy_cache(page):
    assert "no-store" in page.response["Cache-Control"]


@pytest.mark.parametrize("kind", ["victim link refused", "victim consent page", "victim call page"])
def test_victim_pages_send_no_referrer_and_ask_not_to_be_indexed(kind, people):
    response = visit(kind, people).response
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]


def test_a_refused_victim_link_allows_no_camera_even_on_a_call_address(people):
    response = Client().get("/v/")  # no device cookie: the neutral page, not the call
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"


# --- Production: HSTS and cookies ------------------------------------------------


@pytest.mark.timeout(120)
def test_in_production_pages_demand_https_from_then_on_and_cookies_never_travel_in_clear():
    # As the image is built: pages name their static files from the collected manifest.
    collected = manage("collectstatic", "--noinput", "--verbosity", "0", env=production_env())
    assert collected.returncode == 0, collected.stderr
    with daphne(production_env()) as port:
        response = get(port, "/login/", host=PUBLIC_HOST, headers={"X-Forwarded-Proto": "https"})
        plain = get(port, "/login/", host=PUBLIC_HOST)
    assert response.status == 200
    hsts = response.getheader("Strict-Transport-Security")
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts and "preload" in hsts
    csrf_cookie = response.getheader("Set-Cookie")
    assert csrf_cookie.startswith("csrftoken=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax"):
        assert flag in csrf_cookie
    # Plain HTTP (no TLS proxy in front) is sent to https:// before anything is shown.
    assert plain.status == 301 and plain.getheader("Location").startswith(f"https://{PUBLIC_HOST}/")


def test_in_production_the_sign_in_cookie_is_secure_http_only_and_same_site():
    script = (
        "import json\nfrom django.conf import settings as s\n"
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS]))"
    )
    completed = manage("shell", "--no-imports", "--command", script, env=production_env())
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == '[true, true, "Lax", true, 31536000]'
