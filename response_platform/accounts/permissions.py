"""Who may do what. Every view, consumer, selector and service asks here, so each rule lives once.

These are the role rules. Which records a user may reach (their own force's cases,
their own service's referrals) is the selectors' part, and the selectors ask here
for the role first. tests/accounts/test_access_matrix.py walks every page and socket
with every persona against a table of what each may do.
"""

from response_platform.accounts.models import Role

# Roles that run or watch calls in the control room.
CALL_ROLES = {Role.SPECIALIST, Role.SUPERVISOR, Role.CALL_HANDLER, Role.FORCE_ADMIN}
# Roles that may contact a victim (create a case, send a link, take the call).
CONTACT_ROLES = {Role.SPECIALIST, Role.SUPERVISOR, Role.FORCE_ADMIN}
# Who sees the force's escalated referrals in the app.
ESCALATION_VIEWERS = {Role.SPECIALIST, Role.SUPERVISOR}


# --- who is this ---------------------------------------------------------------------


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


def same_force(user, obj_force_id: int) -> bool:
    return user.force_id is not None and user.force_id == obj_force_id


# --- the control room ------------------------------------------------------------------


def can_view_cases(user) -> bool:
    """Case pages, session records, risk assessments and referral threads of the user's force."""
    return is_verified_staff(user) and user.role in CALL_ROLES


def can_view_case(user, case) -> bool:
    """This case in particular: the role, and the case's own force."""
    return can_view_cases(user) and same_force(user, case.force_id)


def can_contact_victims(user) -> bool:
    """Open cases, send links, end sessions, assess risk: anything that reaches the caller."""
    return is_verified_staff(user) and user.role in CONTACT_ROLES


def can_join_calls(user) -> bool:
    """Staff who may join (or watch) a video session of their own force."""
    return can_view_cases(user)


def can_refer(user) -> bool:
    """Make a referral: it discloses the caller's details to a service."""
    return can_contact_victims(user)


def can_schedule_follow_ups(user) -> bool:
    """Follow-up consent, safe contact times, check-ins, booked calls and the reminders list."""
    return can_contact_victims(user)


def can_read_replies(user) -> bool:
    """The force's list of texts callers sent back, and marking them read."""
    return can_contact_victims(user)


def can_see_unmatched_replies(user) -> bool:
    """How many texts came from numbers no force knows (a count only: their words belong to no force)."""
    return can_read_replies(user) and user.role == Role.FORCE_ADMIN


def can_see_escalations(user) -> bool:
    return is_verified_staff(user) and user.role in ESCALATION_VIEWERS


def can_view_audit(user) -> bool:
    """The force's audit trail: force administrators only."""
    return is_verified_staff(user) and user.role == Role.FORCE_ADMIN


def can_manage_services(user) -> bool:
    """The support-service directory in the admin, for the services covering the admin's own force.

    The admin site asks this of request.user after the login middleware checked both factors."""
    return bool(user.is_active and user.is_staff and user.role == Role.FORCE_ADMIN and user.force_id)


# Legal hold stops retention erasing a case: a supervisor's or force admin's decision.
HOLD_ROLES = {Role.SUPERVISOR, Role.FORCE_ADMIN}


def can_set_hold(user, case) -> bool:
    """Supervisors and force administrators of the case's force."""
    return is_verified_staff(user) and user.role in HOLD_ROLES and same_force(user, case.force_id)


# --- one referral ------------------------------------------------------------------------
# Roles only: the views and sockets check the second factor before a service is called.


def can_work_referral(user, referral) -> bool:
    """A worker of the service the referral was sent to: acknowledge, accept, decline, contact, close."""
    return user.role == Role.SUPPORT_WORKER and user.support_service_id == referral.service_id


def can_write_on_referral(user, referral) -> bool:
    """Control-room staff of the referral's force who may contact victims: the message thread."""
    return user.role in CONTACT_ROLES and same_force(user, referral.case.force_id)
