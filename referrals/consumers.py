"""Portal sockets: tell a support worker's open pages which panel changed (see lib/watch.py)."""

from referrals.live import referral_group, service_group
from referrals.selectors import referrals_for_worker
from response_platform.accounts.permissions import is_support_worker
from response_platform.lib.watch import WatchConsumer


class PortalInboxConsumer(WatchConsumer):
    """/ws/portal/: the worker's own service's inbox."""

    def group_for(self, user) -> str | None:
        return service_group(user.support_service_id) if is_support_worker(user) else None


class PortalReferralConsumer(WatchConsumer):
    """/ws/portal/referrals/<id>/: one referral of the worker's own service; any other is refused (4403)."""

    def group_for(self, user, *, referral_id) -> str | None:
        if not referrals_for_worker(user).filter(pk=referral_id).exists():
            return None
        return referral_group(referral_id)
