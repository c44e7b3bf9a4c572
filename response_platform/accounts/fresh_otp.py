"""A fresh second factor before exports and key admin actions.

A sign-in lasts hours; a stolen unlocked screen should not be enough to export
the audit trail or make someone an administrator. So these actions want a code
entered in the last FRESH_OTP_MINUTES, asked for again at /reauth/ otherwise.
"""

import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse

FRESH_AT = "otp_fresh_at"


def mark_fresh(session, now: float | None = None) -> None:
    """A code was entered just now (at sign-in or at /reauth/)."""
    session[FRESH_AT] = int(time.time() if now is None else now)


def is_fresh(request: HttpRequest, now: float | None = None) -> bool:
    entered = request.session.get(FRESH_AT)
    if not isinstance(entered, int) or isinstance(entered, bool):
        return False
    now = time.time() if now is None else now
    return 0 <= now - entered < int(settings.FRESH_OTP_MINUTES) * 60


def reauth_redirect(request: HttpRequest):
    """To the code page, coming back here afterwards. A POST's body is not kept: the form is shown again."""
    return redirect(f"{reverse('accounts:reauth')}?{urlencode({'next': request.get_full_path()})}")


def require_fresh_second_factor(view):
    """Let the view run only if the user entered a code in the last FRESH_OTP_MINUTES."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_fresh(request):
            return reauth_redirect(request)
        return view(request, *args, **kwargs)

    return wrapped
