"""/ws/cases/<id>/: tells an open case page which of its panels changed."""

from response_platform.accounts.permissions import can_view_cases
from response_platform.cases.panels import case_group
from response_platform.cases.selectors import cases_for
from response_platform.lib.watch import WatchConsumer


class CaseConsumer(WatchConsumer):
    def group_for(self, user, *, case_id) -> str | None:
        if not can_view_cases(user) or not cases_for(user).filter(pk=case_id).exists():
            return None
        return case_group(case_id)
