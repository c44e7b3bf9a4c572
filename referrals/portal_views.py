"""The support-service portal: a service's own referrals, and nothing else.

A support worker reaches referrals only through `selectors.referrals_for_worker`,
so another service's referral is a 404 like one that does not exist. Staff of a
force get 403 here: the portal is for services. A worker sees what was shared
with their service (`Referral.shared_data`), never the case itself.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from referrals import minimise, selectors, services
from response_platform.accounts.permissions import is_support_worker
from response_platform.audit import service as audit
from response_platform.audit.actions import AuditAction


def worker_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        # Anonymous users never get here: the login middleware sends them to sign in.
        if not is_support_worker(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _no_store(html: str) -> HttpResponse:
    return HttpResponse(html, headers={"Cache-Control": "no-store"})


@worker_only
def inbox(request):
    context = {"service": request.user.support_service, "title": _("Referrals")}
    context |= _inbox_context(request)
    return render(request, "portal/inbox.html", context)


@worker_only
def inbox_panel(request, panel):
    if panel != "inbox":
        raise Http404
    return _no_store(render_to_string("portal/_inbox.html", _inbox_context(request), request=request))


def _inbox_context(request) -> dict:
    referrals = selectors.inbox_for(request.user)
    for referral in referrals:
        referral.risk_level = (referral.shared_data or {}).get("risk_level", "")
    return {"referrals": referrals}


@worker_only
def referral_detail(request, referral_id):
    referral = selectors.get_referral_for_worker(request.user, referral_id)
    audit.record(AuditAction.CONSULTATION, referral, actor=request.user, detail="portal referral page")
    context = _referral_context(referral) | {"title": _("Referral")}
    return render(request, "portal/referral.html", context)


@worker_only
def referral_panel(request, referral_id, panel):
    if panel != "referral":
        raise Http404
    referral = selectors.get_referral_for_worker(request.user, referral_id)
    return _no_store(render_to_string("portal/_referral.html", _referral_context(referral), request=request))


def _referral_context(referral) -> dict:
    return {"referral": referral, "shared": minimise.describe(referral.shared_data or {})}


@require_POST
@worker_only
def acknowledge(request, referral_id):
    return _step(request, referral_id, services.acknowledge, _("Acknowledged."))


@require_POST
@worker_only
def accept(request, referral_id):
    return _step(request, referral_id, services.accept, _("Accepted."))


@require_POST
@worker_only
def post_message(request, referral_id):
    referral = selectors.get_referral_for_worker(request.user, referral_id)
    try:
        services.post_message(referral, by=request.user, body=request.POST.get("body", ""))
    except services.ReferralError as exc:
        messages.error(request, str(exc))
    return redirect("portal:referral", referral_id=referral.pk)


def _step(request, referral_id, action, done: str, **fields):
    referral = selectors.get_referral_for_worker(request.user, referral_id)
    try:
        action(referral, by=request.user, **fields)
    except services.ReferralError as exc:
        # E.g. a colleague acknowledged it a moment earlier: say so, show the page as it is now.
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("portal:referral", referral_id=referral.pk)


# Steps that need words from the worker have their own small pages: the live
# panel is replaced whenever anything changes and must never hold a half-written note.
STEP_PAGES = {
    "decline": {
        "title": gettext_lazy("Decline the referral"),
        "label": gettext_lazy("Reason for declining (the referring specialist sees it)"),
        "button": gettext_lazy("Decline referral"),
    },
    "contact": {
        "title": gettext_lazy("Record a contact attempt"),
        "label": gettext_lazy("What happened"),
        "button": gettext_lazy("Record contact attempt"),
    },
    "close": {
        "title": gettext_lazy("Close the referral"),
        "label": gettext_lazy("Outcome"),
        "button": gettext_lazy("Close referral"),
    },
}


@worker_only
def decline(request, referral_id):
    def record(referral, text):
        return services.decline(referral, by=request.user, reason=text)

    return _step_page(request, referral_id, "decline", record)


@worker_only
def contact(request, referral_id):
    def record(referral, text):
        successful = request.POST.get("outcome") == "made"
        return services.record_contact_attempt(referral, by=request.user, note=text, successful=successful)

    return _step_page(request, referral_id, "contact", record)


@worker_only
def close(request, referral_id):
    def record(referral, text):
        return services.close(referral, by=request.user, outcome=text)

    return _step_page(request, referral_id, "close", record)


def _step_page(request, referral_id, name: str, action):
    referral = selectors.get_referral_for_worker(request.user, referral_id)
    error = ""
    if request.method == "POST":
        try:
            action(referral, request.POST.get("text", ""))
        except services.ReferralError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("portal:referral", referral_id=referral.pk)
    page = STEP_PAGES[name]
    context = {"referral": referral, "step": name, "page": page, "error": error, "title": page["title"]}
    context["text"] = request.POST.get("text", "")
    return render(request, "portal/step.html", context, status=400 if error else 200)
