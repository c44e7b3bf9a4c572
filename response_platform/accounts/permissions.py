"""Who may do what. Every view and consumer asks here, so each rule lives once."""

from response_platform.accounts.models import Role

# Roles that run or watch calls in the control room.
CALL_ROLES = {Role.SPECIALIST, Role.SUPERVISOR, Role.CALL_HANDLER, Role.FORCE_ADMIN}
# Roles that may contact a victim (create a case, send a link, take the call).
CONTACT_ROLES = {Role.SPECIALIST, Role.SUPERVISOR, Role.FORCE_ADMIN}


def is_verified(user) -> bool:
    """Logged in with both factors."""
    return bool(
        user is not None and user.is_authenticated and user.is_active and getattr(user, "is_verified", lambda: False)()
    )


def is_verified_staff(user) -> bool:
    """Logged in with both factors and attached to a force."""
    return is_verified(user) and bool(user.force_id)


def is_support_worker(user) -> bool:
    """Logged in with both factors as a worker of a support service: the portal, nothing else."""
    return is_verified(user) and user.role == Role.SUPPORT_WORKER and bool(user.support_service_id)


def can_view_cases(user) -> bool:
    return is_verified_staff(user) and user.role in CALL_ROLES


def can_contact_victims(user) -> bool:
    return is_verified_staff(user) and user.role in CONTACT_ROLES


def same_force(user, obj_force_id: int) -> bool:
    return user.force_id is not None and user.force_id == obj_force_id
