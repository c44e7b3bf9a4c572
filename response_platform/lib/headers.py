"""Security headers for every response: a nonce-based CSP and a Permissions-Policy.

Camera, microphone and geolocation are allowed only on the call pages, which
mark themselves with the `allows_media` decorator.
"""

import secrets
from functools import wraps

CALL_PERMISSIONS = "camera=(self), microphone=(self), geolocation=(self)"
NO_PERMISSIONS = "camera=(), microphone=(), geolocation=()"


def allows_media(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.allows_media = True
        return response

    return wrapped


def csp_nonce(request):
    return {"csp_nonce": getattr(request, "csp_nonce", "")}


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        nonce = request.csp_nonce
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            f"style-src 'self' 'nonce-{nonce}'; "
            "img-src 'self' data: blob:; media-src 'self' blob:; "
            "connect-src 'self' ws: wss:; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
        )
        allowed = getattr(response, "allows_media", False)
        response.headers.setdefault("Permissions-Policy", CALL_PERMISSIONS if allowed else NO_PERMISSIONS)
        return response
