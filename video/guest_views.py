"""A guest's pages (interpreter, advocate): no account, a single-use link bound to their device.

They show the call and nothing else: no incident, no caller's name or number, no chat.
Every refusal looks the same, as for the caller's link.
"""

from django.conf import settings
from django.shortcuts import redirect, render

from response_platform.accounts.models import DEFAULT_SAFE_EXIT_URL
from response_platform.lib.headers import allows_media
from video import guests
from video.victim_views import redemption_refused, victim_page

GUEST_COOKIE_MAX_AGE = 12 * 60 * 60


def _invalid(request, status=404):
    response = render(request, "video/guest_invalid.html", {"safe_exit_url": DEFAULT_SAFE_EXIT_URL}, status=status)
    response._has_been_logged = True  # the path carries the token: Django must not log it
    response.allows_media = False
    return response


@victim_page
def redeem(request, token):
    # A messaging app's preview fetch must not bind the link to its server.
    refused = redemption_refused(request)
    if refused:
        return _invalid(request, status=refused)
    result = guests.redeem(token, request.COOKIES.get(guests.GUEST_COOKIE))
    if result is None:
        return _invalid(request)
    _, device_secret = result
    response = redirect("video:guest-home")
    response.set_cookie(
        guests.GUEST_COOKIE,
        device_secret,
        max_age=GUEST_COOKIE_MAX_AGE,
        httponly=True,
        secure=not settings.DEBUG,
        samesite="Lax",
    )
    return response


@victim_page
@allows_media
def home(request):
    invitation = guests.invitation_for_device(request.COOKIES.get(guests.GUEST_COOKIE))
    if invitation is None:
        return _invalid(request)
    context = {"session_id": invitation.session_id, "kind": invitation.get_kind_display(), "safe_exit_url": ""}
    return render(request, "video/guest.html", context)
