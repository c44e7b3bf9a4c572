"""Every staff page needs a login with both factors; only the paths listed here are open."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from response_platform.accounts.permissions import is_support_worker, is_verified_staff

# Victim pages, webhooks and static files authenticate some
# other way (device cookie, provider signature) or need no identity at all;
# /healthz is answered before this middleware (response_platform.health).
# Signing out must work for a session that never finished the second factor.
PUBLIC_PREFIXES = ("/j/", "/v/", "/webhooks/", "/static/", "/login/", "/logout/")
# Support workers (of a service, not a force) may use the portal and nothing else.
PORTAL_PREFIX = "/portal/"


class StaffVerifiedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(PUBLIC_PREFIXES) or request.path == "/favicon.ico":
            return self.get_response(request)
        if is_verified_staff(request.user):
            return self.get_response(request)
        if is_support_worker(request.user):
            if request.path.startswith(PORTAL_PREFIX) or request.path == "/":
                return self.get_response(request)
            raise PermissionDenied
        return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
