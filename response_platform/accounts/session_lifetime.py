"""How long a staff sign-in lasts: STAFF_IDLE_MINUTES without a request, STAFF_SESSION_HOURS in all.

A control-room screen left signed in is a screen anyone walking past can read
victims' details on. Both clocks live in the session itself (epoch seconds), so
pages and sockets judge a sign-in the same way. The victim's phone has no
Django sign-in (a device cookie instead) and is not affected.
"""

import time
from collections.abc import MutableMapping

from django.conf import settings

SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
# Recording each request would write the session row on every page and panel load;
# a minute's precision is plenty for a 30-minute clock.
TOUCH_EVERY_SECONDS = 60


def idle_seconds() -> int:
    return int(settings.STAFF_IDLE_MINUTES) * 60


def lifetime_seconds() -> int:
    return int(settings.STAFF_SESSION_HOURS) * 3600


def mark_signed_in(session: MutableMapping, now: float | None = None) -> None:
    now = time.time() if now is None else now
    session[SIGNED_IN_AT] = int(now)
    session[SEEN_AT] = int(now)


def has_ended(session: MutableMapping, now: float | None = None) -> bool:
    """Idle too long or signed in too long. A sign-in without the marks (from before they existed) starts now."""
    now = time.time() if now is None else now
    if SIGNED_IN_AT not in session:
        mark_signed_in(session, now)
        return False
    signed_in_at = _number(session.get(SIGNED_IN_AT))
    seen_at = _number(session.get(SEEN_AT), signed_in_at)
    return now - signed_in_at >= lifetime_seconds() or now - seen_at >= idle_seconds()


def touch(session: MutableMapping, now: float | None = None) -> None:
    """Count a request as activity (the session is written at most once a minute for it)."""
    now = time.time() if now is None else now
    if now - _number(session.get(SEEN_AT)) >= TOUCH_EVERY_SECONDS:
        session[SEEN_AT] = int(now)


def _number(value, default: float = 0.0) -> float:
    # A session holds whatever was stored in it; anything odd counts as long ago.
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default
