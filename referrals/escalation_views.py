from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from referrals import escalation
from response_platform.accounts.permissions import can_see_escalations


def escalation_list(request):
    """The force's referrals escalated for want of acknowledgement, for its specialists and supervisors."""
    if not can_see_escalations(request.user):
        raise PermissionDenied
    referrals = escalation.escalated_for(request.user).select_related("case", "service")[:200]
    context = {"referrals": referrals, "now": timezone.now(), "title": _("Escalated referrals")}
    response = render(request, "referrals/escalations.html", context)
    response["Cache-Control"] = "no-store"
    return response
