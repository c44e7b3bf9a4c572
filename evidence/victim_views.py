"""The caller's side: consent, location and photos, posted by the call page's script.

The device cookie says which call this is, as on every caller page. Answers are small
JSON for the page's script; a phone with no live link gets a 404 like any other refusal.
"""

import functools
import logging
from datetime import UTC, datetime

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from evidence import services
from evidence.images import BadImage, uploaded_image
from evidence.notices import NOTICE_VERSION, SCOPES
from response_platform.lib import throttle
from video import services as video
from video.presence import DEVICE_COOKIE
from video.victim_views import _posted_from_this_site, victim_page

log = logging.getLogger(__name__)

# A phone reports its position every few seconds at most; more than this is a fault or a flood.
POSTS_PER_MINUTE = 60


def _refused(status: int = 404) -> JsonResponse:
    response = JsonResponse({"error": "not_found"}, status=status)
    response._has_been_logged = True  # type: ignore[attr-defined]  # say it without the path (see video)
    log.info("caller evidence post refused: status=%s", status)
    return response


def _error(code: str, message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": code, "message": message}, status=status)


def _caller_session(request):
    """The session of the phone that posted, or None (no live link, or a post from elsewhere)."""
    link = video.link_for_device(request.COOKIES.get(DEVICE_COOKIE))
    if link is None or not _posted_from_this_site(request):
        return None
    return link.session


def _too_fast(session) -> bool:
    return throttle.hit(f"evidence:{session.pk}", 60) > POSTS_PER_MINUTE


def caller_post(view):
    """A post from the caller's call page: `view(request, session)` for the session the phone
    is bound to, a 404 for a phone without one, and 409 once the call has ended.

    CSRF: as for the consent form (see video/victim_views.py), the SameSite=Lax device
    cookie and the browser's own word on where the post came from."""

    @csrf_exempt
    @victim_page
    @require_POST
    @functools.wraps(view)
    def answer(request):
        session = _caller_session(request)
        if session is None:
            return _refused()
        try:
            return view(request, session)
        except services.SessionClosed:
            return _error("closed", "The call has ended.", status=409)

    return answer


@caller_post
def consent(request, session):
    scope, decision = request.POST.get("scope"), request.POST.get("decision")
    if scope not in SCOPES or decision not in ("granted", "withdrawn"):
        return _error("bad_request", "Say which consent (location or snapshots) and the decision.")
    grant = decision == "granted"
    # A withdrawal always goes through; agreeing to words that have since changed does not.
    if grant and request.POST.get("notice_version") != NOTICE_VERSION:
        return _error("notice_changed", "The wording has changed: reload the page to read it.", status=409)
    language = _shown_language(request, session)
    with translation.override(language):  # the hash is of the notice in the language shown
        services.set_consent(session, scope, grant=grant, language=language)
    return JsonResponse({"scope": scope, "decision": decision})


def _shown_language(request, session) -> str:
    """The language the page showed the notice in (the page posts it back), else the case's."""
    posted = request.POST.get("language")
    return posted if posted in {code for code, _ in settings.LANGUAGES} else session.case.preferred_language


def _captured_at(raw: str | None) -> datetime:
    """The phone's own time for the fix (ms since 1970); never later than now."""
    now = timezone.now()
    try:
        at = datetime.fromtimestamp(float(raw or "") / 1000, tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return now
    return min(at, now)


@caller_post
def location(request, session):
    if _too_fast(session):
        return _error("rate_limited", "Too many updates.", status=429)
    try:
        position = services.Position(
            lat=float(request.POST["lat"]),
            lon=float(request.POST["lon"]),
            accuracy=float(request.POST["accuracy"]),
            captured_at=_captured_at(request.POST.get("captured_at")),
        )
        services.share_location(session, position)
    except (KeyError, ValueError):  # BadPosition is a ValueError
        return _error("bad_position", "Send lat, lon and accuracy as numbers.")
    except services.NoConsent:
        return _error("no_consent", "Location sharing is not allowed at the moment.", status=409)
    return JsonResponse({"stored": True})


@caller_post
def photo(request, session):
    if _too_fast(session):
        return _error("rate_limited", "Too many pictures.", status=429)
    try:
        snapshot = services.receive_photo(session, uploaded_image(request, "photo"))
    except BadImage as exc:
        return _error(exc.code, str(exc))
    except services.NoConsent:
        return _error("no_consent", "Pictures are not allowed at the moment.", status=409)
    return JsonResponse({"sha256": snapshot.sha256})
