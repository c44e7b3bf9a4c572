"""Security headers for every response: a nonce-based CSP, a Permissions-Policy and no caching.

Camera, microphone and geolocation are allowed only on the call pages, which
mark themselves with the `allows_media` decorator. Pages are never stored by the
browser or a proxy unless a view says otherwise: staff pages show victims'
details, and a victim's phone may be looked through by the person they fear.
(Static files are served before this middleware, and cached as usual.)
"""

import secrets
from functools import wraps

from django.core.exceptions import DisallowedHost

CALL_PERMISSIONS = "camera=(self), microphone=(self), geolocation=(self)"
NO_PERMISSIONS = "camera=(), microphone=(), geolocation=()"


def allows_media(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        # A refusal page from a call view sets False itself: no camera for it.
        response.allows_media = getattr(response, "allows_media", True)
        return response

    return wrapped


def csp_nonce(request):
    return {"csp_nonce": getattr(request, "csp_nonce", "")}


def _socket_sources(request) -> str:
    # Older Safari does not count ws:/wss: as 'self', so this host is named; any
    # other socket server stays blocked, which keeps an injected script from
    # sending what it reads anywhere else.
    try:
        host = request.get_host()
    except DisallowedHost:
        return ""
    return f" ws://{host} wss://{host}"


def content_security_policy(request, nonce: str) -> str:
    return (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        f"style-src 'self' 'nonce-{nonce}'; "
        "img-src 'self' data: blob:; media-src 'self' blob:; "
        f"connect-src 'self'{_socket_sources(request)}; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
    )


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy(request, request.csp_nonce))
        allowed = getattr(response, "allows_media", False)
        response.headers.setdefault("Permissions-Policy", CALL_PERMISSIONS if allowed else NO_PERMISSIONS)
        response.headers.setdefault("Cache-Control", "no-store")
        return response
