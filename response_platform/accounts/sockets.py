"""Staff identity on a WebSocket: the same two-factor rule as for pages."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from response_platform.accounts.permissions import is_verified, is_verified_staff


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
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    # from_persistent_id() only tolerates malformed strings; anything else would raise.
    device = Device.from_persistent_id(persistent_id) if isinstance(persistent_id, str) and persistent_id else None
    verified = device is not None and device.user_id == user.pk and device.confirmed
    user.is_verified = lambda: verified
    return user if is_verified(user) else None
