"""Staff identity on a WebSocket: the same two-factor rule as for pages, and the same sign-in lifetime."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import UpdateError
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from response_platform.accounts import session_lifetime
from response_platform.accounts.permissions import is_verified, is_verified_staff


def user_group(user_id) -> str:
    """Every open socket of one user, so disabling them can close all of them at once."""
    return f"user.{user_id}"


def verified_staff_from_scope(scope: dict):
    """The logged-in, second-factor-verified staff user of this socket, or None. Sync (ORM)."""
    user = verified_user_from_scope(scope)
    return user if is_verified_staff(user) else None


def verified_user_from_scope(scope: dict):
    """The logged-in, second-factor-verified user (staff or support worker), or None. Sync (ORM)."""
    user = scope.get("user")
    session = scope.get("session")
    if user is None or not user.is_authenticated or session is None:
        return None
    data = _current_sign_in(session.session_key, user)
    if data is None:
        return None
    persistent_id = data.get(DEVICE_ID_SESSION_KEY)
    # from_persistent_id() only tolerates malformed strings; anything else would raise.
    device = Device.from_persistent_id(persistent_id) if isinstance(persistent_id, str) and persistent_id else None
    verified = device is not None and device.user_id == user.pk and device.confirmed
    user.is_verified = lambda: verified
    return user if is_verified(user) else None


def _current_sign_in(session_key: str | None, user) -> dict | None:
    """The session as stored now, if it is still this user's and has not run out.

    Read afresh, not from the scope's copy loaded at connect: since then the user
    may have signed out or been disabled (their sessions deleted). An open socket
    that passes counts as activity: a specialist on a long call clicks nothing.
    """
    if not session_key:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    data = store.load()
    if data.get(SESSION_KEY) != str(user.pk) or session_lifetime.has_ended(data):
        return None
    seen_before = data.get(session_lifetime.SEEN_AT)
    session_lifetime.touch(data)
    if data.get(session_lifetime.SEEN_AT) != seen_before:
        store.update(data)
        try:
            store.save()
        except UpdateError:  # deleted since we read it: signed out
            return None
    return data
