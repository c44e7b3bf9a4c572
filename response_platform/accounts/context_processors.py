"""What the navigation bar shows: links by role, and counts of what is waiting."""

from django.utils.functional import SimpleLazyObject

from response_platform.accounts.permissions import (
    can_contact_victims,
    can_see_escalations,
    can_view_audit,
    can_view_cases,
    is_support_worker,
)


def navigation(request):
    # Lazy: error pages and the victim's pages never pay for the counts.
    return {"nav": SimpleLazyObject(lambda: _navigation(request.user))}


def _navigation(user) -> dict:
    from referrals.escalation import escalation_count_for
    from response_platform.sms.selectors import unread_reply_count_for

    if is_support_worker(user):
        return {"portal": True}
    if not can_view_cases(user):
        return {}
    return {
        "cases": True,
        "escalations": can_see_escalations(user) and escalation_count_for(user),
        "may_see_escalations": can_see_escalations(user),
        "replies": unread_reply_count_for(user),
        "may_contact": can_contact_victims(user),
        "may_audit": can_view_audit(user),
    }
