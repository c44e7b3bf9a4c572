from django.conf import settings
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from response_platform.accounts import fresh_otp
from response_platform.accounts.forms import ReauthForm, StaffLoginForm
from response_platform.accounts.middleware import SIGNED_OUT_NOTICE
from response_platform.accounts.permissions import can_log_incidents, is_officer, is_support_worker
from response_platform.lib import throttle


def home(request):
    """Support workers start in their service's inbox, call handlers at their incidents and
    feedback, officers at the calls they were invited to, other control-room staff at the live
    dashboard they keep open all shift."""
    if is_support_worker(request.user):
        return redirect("portal:inbox")
    if is_officer(request.user):
        # Officers see only the calls they were invited to. (Imported here: video builds on accounts.)
        from video.invite_views import officer_start

        return officer_start(request)
    if can_log_incidents(request.user):
        return redirect("reviews:mine")
    return redirect("control_room:dashboard")


@sensitive_post_parameters("password", "otp_token")
def login_view(request):
    ip_key = f"login:{throttle.client_ip(request)}"
    locked = throttle.count(ip_key) >= settings.LOGIN_FAILURE_LIMIT
    if request.method == "POST" and not locked:
        form = StaffLoginForm(request, data=request.POST)
        if form.is_valid():
            throttle.reset(ip_key)
            login(request, form.get_user())
            otp_login(request, form.otp_device)
            return redirect(_safe_next(request))
        locked = throttle.hit(ip_key, settings.LOGIN_FAILURE_WINDOW) >= settings.LOGIN_FAILURE_LIMIT
    else:
        # Once locked, the posted credentials are never checked: a bound form would
        # run authentication while rendering its errors and tell a guesser when
        # the password and code were right, lock or no lock.
        form = StaffLoginForm(request, initial={"username": request.POST.get("username", "")})
    context = {
        "form": form,
        "locked": locked,
        "lock_minutes": max(1, settings.LOGIN_FAILURE_WINDOW // 60),
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "title": _("Staff sign in"),
        "signed_out": request.session.pop(SIGNED_OUT_NOTICE, False),
    }
    return render(request, "accounts/login.html", context, status=429 if locked else 200)


@sensitive_post_parameters("otp_token")
def reauth_view(request):
    """Enter a code again before an export or an admin change; too many wrong codes end the sign-in."""
    key = f"reauth:{request.user.pk}"
    if request.method == "POST":
        form = ReauthForm(request.user, data=request.POST)
        if form.is_valid():
            throttle.reset(key)
            fresh_otp.mark_fresh(request.session)
            return redirect(_safe_next(request))
        if throttle.hit(key, settings.LOGIN_FAILURE_WINDOW) >= settings.LOGIN_FAILURE_LIMIT:
            throttle.reset(key)
            logout(request)
            request.session[SIGNED_OUT_NOTICE] = True
            return redirect("accounts:login")
    else:
        form = ReauthForm(request.user)
    next_url = request.POST.get("next") or request.GET.get("next", "")
    context = {"form": form, "next": next_url, "title": _("Confirm it is you")}
    return render(request, "accounts/reauth.html", context)


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else resolve_url(settings.LOGIN_REDIRECT_URL)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")
