"""What the navigation bar shows: links by role, and counts of what is waiting."""

from django.utils.functional import SimpleLazyObject

from response_platform.accounts.permissions import (
    can_contact_victims,
    can_log_incidents,
    can_review_incidents,
    can_see_escalations,
    can_see_review_stats,
    can_view_audit,
    can_view_cases,
    can_view_dashboard,
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
        "dashboard": can_view_dashboard(user),
        "escalations": can_see_escalations(user) and escalation_count_for(user),
        "may_see_escalations": can_see_escalations(user),
        "replies": unread_reply_count_for(user),
        "may_contact": can_contact_victims(user),
        "may_audit": can_view_audit(user),
        **_review_links(user),
    }


def _review_links(user) -> dict:
    """Reviews of call handlers' decisions: one count each, for the role that acts on it."""
    from reviews.selectors import queue_size, unacknowledged_feedback_count

    return {
        "my_incidents": can_log_incidents(user),
        "new_feedback": can_log_incidents(user) and unacknowledged_feedback_count(user),
        "review_queue": can_review_incidents(user),
        "queue_size": can_review_incidents(user) and queue_size(user),
        "review_stats": can_see_review_stats(user),
    }
