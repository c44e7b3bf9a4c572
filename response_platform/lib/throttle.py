"""Fixed-window counters in the cache, for login and link-redemption throttling."""

from django.core.cache import cache


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


def count(key: str) -> int:
    return cache.get(f"throttle:{key}", 0)


def reset(key: str) -> None:
    cache.delete(f"throttle:{key}")


def client_ip(request) -> str:
    # Behind the TLS proxy the peer is the proxy; it appends the client address.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "unknown")
