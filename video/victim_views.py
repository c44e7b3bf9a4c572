"""The caller's pages. No login: a link redeemed once binds the call to the phone.

Every refusal looks the same (no hint whether a link was wrong, expired,
revoked or opened elsewhere), and nothing personal is shown or cached.
"""

import logging
import re
from functools import wraps

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from response_platform.accounts.models import DEFAULT_SAFE_EXIT_URL
from response_platform.lib import throttle
from response_platform.lib.crypto import sha256_hex
from response_platform.lib.headers import allows_media
from video import languages, services
from video.models import ConsentDecision, ConsentScope, JoinLink
from video.notices import NOTICE_VERSION, consent_notice
from video.presence import DEVICE_COOKIE

log = logging.getLogger(__name__)

DEVICE_COOKIE_MAX_AGE = 12 * 60 * 60
# In-app browsers (Facebook, Instagram, Snapchat, TikTok, LINE, WeChat...) often
# cannot use the camera; the page tells the person how to open their own browser.
IN_APP_BROWSER = re.compile(r"FBAN|FBAV|FB_IAB|Instagram|Snapchat|musical_ly|TikTok|Line/|MicroMessenger|Twitter", re.I)
# Messaging apps fetch a link to draw its preview. Were that fetch to redeem the
# link, it would bind the call to the app's server and the caller's own tap
# would get the "no longer valid" page.
LINK_PREVIEW = re.compile(
    r"facebookexternalhit|Facebot|WhatsApp/|Twitterbot|Slackbot|TelegramBot|Discordbot|LinkedInBot|"
    r"SkypeUriPreview|Googlebot|bingbot|Applebot|redditbot|Embedly|Iframely|vkShare|Pinterestbot",
    re.I,
)


def redemption_refused(request) -> int | None:
    """The status to refuse this request's link redemption with, or None if it may redeem.

    Caller's and guest's links share the rule: 429 once this address has tried too many
    links; 200 (a harmless page, no 405 that Django would log with the path) for anything
    but a person's tap, a GET from a browser that is not a messaging app's preview."""
    attempts = throttle.hit(f"redeem:{throttle.client_ip(request)}", settings.JOIN_REDEMPTION_WINDOW)
    if attempts > settings.JOIN_REDEMPTION_LIMIT:
        return 429
    if request.method != "GET" or LINK_PREVIEW.search(request.headers.get("User-Agent", "")):
        return 200
    return None


def victim_page(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapped


# A phone on a weak signal downloads these pages before anything else (bench/page_weight).
# Compressing them is safe from BREACH: they reflect nothing a third party sends and hold
# no secret (no CSRF token; the device cookie never appears in the body).
_GZIP = GZipMiddleware(lambda request: None)


def _page(request, template: str, context: dict, language: str, status: int = 200):
    """Render a caller's page wholly in `language`, with the switcher to change it."""
    with translation.override(language):
        context = {**context, "languages": languages.choices(), "language": language}
        response = render(request, template, context, status=status)
    response["Content-Language"] = language
    return _GZIP.process_response(request, response)


def _invalid(request, status=404):
    context = {"safe_exit_url": DEFAULT_SAFE_EXIT_URL}
    response = _page(request, "victim/invalid.html", context, languages.for_request(request), status=status)
    # Django logs every 4xx with its path, and /j/ paths carry the token: a
    # rate-limited caller's link is still live. This line says what happened instead.
    response._has_been_logged = True
    response.allows_media = False
    log.info("victim page refused: status=%s", status)
    return response


@victim_page
def redeem(request, token):
    refused = redemption_refused(request)
    if refused == 429:
        return _invalid(request, status=429)
    # Only a person's tap redeems. Anything else gets the same harmless page whatever the token.
    if refused:
        context = {"safe_exit_url": DEFAULT_SAFE_EXIT_URL}
        return _page(request, "victim/preview.html", context, languages.for_request(request))
    if _not_open_yet(token):
        return _invalid(request)
    result = services.redeem(token, request.COOKIES.get(DEVICE_COOKIE))
    if result is None:
        return _invalid(request)
    link, device_secret = result
    # The token leaves the address bar at once; the cookie carries the call from here.
    response = redirect("video:victim-home")
    response.set_cookie(
        DEVICE_COOKIE,
        device_secret,
        max_age=DEVICE_COOKIE_MAX_AGE,
        httponly=True,
        secure=not settings.DEBUG,
        samesite="Lax",
    )
    return response


def _not_open_yet(token: str) -> bool:
    """A booked call's link opened before its slot: refused like any other (no hint it exists),
    and left unbound, so the caller's tap at the right time still works."""
    return JoinLink.objects.filter(token_hash=sha256_hex(token), valid_from__gt=timezone.now()).exists()


def _context(request, link, **extra):
    force = link.session.case.force
    return {
        "safe_exit_url": force.safe_exit_url,
        # A practice call: the colleague playing the caller sees it is not real.
        "training": link.session.case.is_training,
        "in_app_browser": bool(IN_APP_BROWSER.search(request.headers.get("User-Agent", ""))),
        **extra,
    }


@victim_page
@allows_media
def home(request):
    link = services.link_for_device(request.COOKIES.get(DEVICE_COOKIE))
    if link is None:
        return _invalid(request)
    session = link.session
    language = languages.for_request(request, session.case.preferred_language)
    video = services.current_consent(session, ConsentScope.VIDEO)
    if video is None:
        # The notice is built in the language the page is drawn in, and the form posts that
        # language back, so the consent record hashes exactly the words shown.
        with translation.override(language):
            notice = consent_notice()
        context = _context(request, link, notice=notice, notice_version=NOTICE_VERSION)
        return _page(request, "victim/consent.html", context, language)
    context = _context(request, link, session=session, video_allowed=video == ConsentDecision.GRANTED)
    return _page(request, "victim/call.html", context, language)


def _posted_from_this_site(request) -> bool:
    """What the browser says about where a form post came from, when it says anything."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
        return False
    origin = request.headers.get("Origin", "null")
    return origin in ("null", settings.PUBLIC_BASE_URL, f"{request.scheme}://{request.get_host()}")


# Under "Referrer-Policy: no-referrer" browsers send "Origin: null" with every
# POST, which Django's CSRF origin check refuses. The device cookie is
# SameSite=Lax, so another site's form cannot post with it: that, and the
# browser's own word on where the post came from, is the CSRF protection here.
@csrf_exempt
@victim_page
@require_POST
def consent(request):
    link = services.link_for_device(request.COOKIES.get(DEVICE_COOKIE))
    if link is None or not _posted_from_this_site(request):
        return _invalid(request)
    session = link.session
    if request.POST.get("notice_version") != NOTICE_VERSION:
        return redirect("video:victim-home")  # a page left open across a notice change: show the new one
    decisions = {
        ConsentScope.VIDEO: request.POST.get("video") == "yes",
        ConsentScope.LOCATION: request.POST.get("location") == "yes",
    }
    # The language the notice was shown in, posted back by the form; the case's otherwise.
    language = languages.supported(request.POST.get("language")) or languages.for_request(
        request, session.case.preferred_language
    )
    with translation.override(language):  # the hash is of the notice in the language shown
        services.record_first_consent(session, decisions=decisions, language=language)
    return redirect("video:victim-home")


@csrf_exempt  # as consent(): the browser's word on where the post came from protects it
@victim_page
@require_POST
def choose_language(request):
    """The switcher on every caller's page: this phone's pages from now on speak `language`.

    A plain form post, so it works without JavaScript; back to the caller's page after."""
    if not _posted_from_this_site(request):
        return _invalid(request)
    response = redirect("video:victim-home")
    code = languages.supported(request.POST.get("language"))
    if code:
        languages.remember(response, code)
    return response
