"""Every staff page needs a login with both factors; only the paths listed here are open."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse

from response_platform.accounts import fresh_otp, session_lifetime
from response_platform.accounts.permissions import is_support_worker, is_verified_staff

# Victim pages, webhooks and static files authenticate some
# other way (device cookie, provider signature) or need no identity at all;
# /healthz is answered before this middleware (response_platform.health).
# Signing out must work for a session that never finished the second factor.
# /g/: an invited interpreter or advocate, who has a device cookie and no account.
PUBLIC_PREFIXES = ("/j/", "/v/", "/g/", "/webhooks/", "/static/", "/login/", "/logout/")
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
        if is_background(request):
            # A page's own fetch would follow the redirect and draw the sign-in page inside a panel.
            return HttpResponse(status=401)
        return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))


# Shown once on the sign-in page after a sign-in ran out; says nothing about why or whose.
SIGNED_OUT_NOTICE = "signed_out_notice"


def is_background(request) -> bool:
    """A page's own periodic fetch (live panels): not a person at the keyboard."""
    return request.headers.get("X-Requested-With") == "fetch"


class SessionLifetimeMiddleware:
    """Ends a staff or support worker's sign-in after STAFF_IDLE_MINUTES idle or STAFF_SESSION_HOURS in all.

    Sits after authentication and before StaffVerifiedMiddleware, which then sends
    the now-anonymous request to the sign-in page, coming back here afterwards.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        if session_lifetime.has_ended(request.session, now):
            logout(request)
            request.session[SIGNED_OUT_NOTICE] = True
        elif not is_background(request):
            # Panels reload themselves every few seconds; that must not keep an unattended screen signed in.
            session_lifetime.touch(request.session, now)
        return self.get_response(request)


# Admin pages that change things (the changelist's bulk actions and every save are POSTs).
_ADMIN_FORM_PAGES = ("_add", "_change", "_delete", "_password_change")


class FreshSecondFactorForAdminMiddleware:
    """Every change made through /admin/ (users, forces, support services...) needs a code from the last few minutes.

    Asked for when the add, change or delete page is opened, so the form is filled
    in after the code rather than lost to it; any POST is checked again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.namespace != "admin" or match.url_name == "logout":
            return None
        if match.url_name == "login":
            # The admin's own sign-in asks for a password only; ours asks for the code too.
            return redirect_to_login(request.GET.get("next", "/admin/"), reverse(settings.LOGIN_URL))
        form_page = (match.url_name or "").endswith(_ADMIN_FORM_PAGES)
        if (request.method == "POST" or form_page) and not fresh_otp.is_fresh(request):
            return fresh_otp.reauth_redirect(request)
        return None
