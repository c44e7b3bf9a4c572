from django.conf import settings
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from response_platform.accounts.forms import StaffLoginForm
from response_platform.lib import throttle


def login_view(request):
    ip_key = f"login:{throttle.client_ip(request)}"
    form = StaffLoginForm(request, data=request.POST or None)
    locked = throttle.count(ip_key) >= settings.LOGIN_FAILURE_LIMIT
    if request.method == "POST" and not locked:
        if form.is_valid():
            throttle.reset(ip_key)
            user = form.get_user()
            login(request, user)
            otp_login(request, form.otp_device)
            return redirect(_safe_next(request))
        throttle.hit(ip_key, settings.LOGIN_FAILURE_WINDOW)
        locked = throttle.count(ip_key) >= settings.LOGIN_FAILURE_LIMIT
    status = 429 if locked and request.method == "POST" else 200
    context = {
        "form": form,
        "locked": locked,
        "lock_minutes": settings.LOGIN_FAILURE_WINDOW // 60,
        "next": request.GET.get("next", ""),
        "title": _("Staff sign in"),
    }
    return render(request, "accounts/login.html", context, status=status)


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return settings.LOGIN_REDIRECT_URL and "/"


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")
