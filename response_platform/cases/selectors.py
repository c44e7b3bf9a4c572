from django.shortcuts import get_object_or_404

from response_platform.accounts.permissions import can_view_cases
from response_platform.cases.models import Case


def cases_for(user):
    """Staff only ever see their own force's cases, and only in a role that may view cases."""
    if not can_view_cases(user):
        return Case.objects.none()
    return Case.objects.filter(force_id=user.force_id)


def get_case_for(user, case_id) -> Case:
    return get_object_or_404(cases_for(user), pk=case_id)
