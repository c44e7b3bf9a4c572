from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from response_platform.cases.selectors import get_case_for
from response_platform.retention import holds

MAX_REASON = 500


@require_POST
def legal_hold(request, case_id):
    """Place or release a legal hold from the case page (POST action=hold with a reason, or action=release)."""
    case = get_case_for(request.user, case_id)
    if not holds.can_set_hold(request.user, case):
        raise PermissionDenied
    action = request.POST.get("action")
    reason = request.POST.get("reason", "").strip()
    if action == "hold" and reason and len(reason) <= MAX_REASON:
        holds.place_hold(case, by=request.user, reason=reason)
        messages.success(request, _("The case is on legal hold: nothing of it will be erased."))
    elif action == "hold":
        messages.error(request, _("Give the reason for the hold (up to %(n)s characters).") % {"n": MAX_REASON})
    elif action == "release" and case.legal_hold:
        holds.release_hold(case, by=request.user)
        messages.success(request, _("Legal hold released: the case's retention periods apply again."))
    return redirect("cases:detail", case_id=case.pk)
