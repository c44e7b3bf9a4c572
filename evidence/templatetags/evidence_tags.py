"""The location and evidence panels, dropped into the call pages with one tag each."""

from django import template

from evidence.notices import NOTICE_VERSION, notice
from evidence.present import snapshot_rows
from response_platform.accounts.permissions import can_take_snapshots, can_view_evidence
from video.models import ConsentDecision, ConsentScope
from video.services import current_consent

register = template.Library()


@register.inclusion_tag("evidence/caller_panel.html")
def caller_evidence_panel(session) -> dict:
    """The caller's page: rendered in the case's language, so the notices shown are the ones hashed."""
    return {
        "location": current_consent(session, ConsentScope.LOCATION) == ConsentDecision.GRANTED,
        "snapshots": current_consent(session, ConsentScope.SNAPSHOTS) == ConsentDecision.GRANTED,
        "location_notice": notice(ConsentScope.LOCATION),
        "snapshots_notice": notice(ConsentScope.SNAPSHOTS),
        "notice_version": NOTICE_VERSION,
    }


@register.inclusion_tag("evidence/staff_panel.html", takes_context=True)
def staff_evidence_panel(context, session) -> dict:
    user = context["request"].user
    return {
        "session": session,
        "csrf_token": context.get("csrf_token"),
        "can_view": can_view_evidence(user, session.case),
        "can_take": can_take_snapshots(user, session.case),
        # Hashes and times only: the list is no look at the pictures themselves.
        "snapshots": snapshot_rows(session) if can_view_evidence(user, session.case) else [],
    }
