"""/ws/dashboard/: tells an open dashboard its rows changed (it refetches them over HTTP)."""

from control_room.live import dashboard_group
from response_platform.accounts.permissions import can_view_dashboard
from response_platform.lib.watch import WatchConsumer


class DashboardConsumer(WatchConsumer):
    def group_for(self, user) -> str | None:
        return dashboard_group(user.force_id) if can_view_dashboard(user) else None
