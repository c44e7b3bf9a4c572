from django import template

from response_platform.retention.holds import can_set_hold
from response_platform.retention.views import MAX_REASON

register = template.Library()


@register.inclusion_tag("retention/legal_hold.html", takes_context=True)
def legal_hold(context, case) -> dict:
    """The case's hold and erasure state, with the hold form for supervisors: `{% legal_hold case %}`."""
    return {
        "case": case,
        "can_set_hold": can_set_hold(context["request"].user, case),
        "max_reason": MAX_REASON,
        "csrf_token": context.get("csrf_token"),
    }
