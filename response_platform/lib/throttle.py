"""Fixed-window counters in the cache, for login and link-redemption throttling.

The cache is Redis in production. While Redis restarts the counters fail open
(logged): a victim must still get into the call and a specialist still sign in;
the second factor, and django-otp's own throttle in the database, still stand.
"""

import logging
from functools import wraps

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)


def _fail_open(function):
    @wraps(function)
    def wrapped(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception as exc:  # the cache backend's connection errors have no common base class
            log.warning("throttle cache unavailable (%s); not counting", type(exc).__name__)
            return 0

    return wrapped


@_fail_open
def hit(key: str, window_seconds: int) -> int:
    """Count one attempt against key and return the count in the current window."""
    full_key = f"throttle:{key}"
    if cache.add(full_key, 1, timeout=window_seconds):
        return 1
    try:
        return cache.incr(full_key)
    except ValueError:  # expired between add() and incr()
        cache.add(full_key, 1, timeout=window_seconds)
        return 1


@_fail_open
def count(key: str) -> int:
    return cache.get(f"throttle:{key}", 0)


@_fail_open
def reset(key: str) -> None:
    cache.delete(f"throttle:{key}")


def client_ip(request) -> str:
    """The address to count attempts against.

    Each trusted proxy in front of us appends the address it saw to
    X-Forwarded-For, so the entry TRUSTED_PROXY_COUNT from the right is the
    client. Entries further left were written by the client and can be forged
    to dodge the count, and with no proxy (TRUSTED_PROXY_COUNT = 0) the header
    is ignored altogether.
    """
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 1)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if hops > 0 and forwarded:
        return forwarded[-min(hops, len(forwarded))]
    return request.META.get("REMOTE_ADDR", "unknown")
