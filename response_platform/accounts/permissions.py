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


def can_observe(user) -> bool:
    """Listen in on a live call (receive only) and coach the specialist: staff who may also step in."""
    return can_contact_victims(user)


def can_invite(user) -> bool:
    """Invite an officer, interpreter or advocate into a call, and remove them."""
    return can_contact_victims(user)


def is_officer(user) -> bool:
    """An officer of a force: sees only the calls they were invited to (their start page)."""
    return is_verified_staff(user) and user.role == Role.OFFICER


def can_attend_as_officer(user, session, *, invited: bool) -> bool:
    """An officer of the session's force who was invited into this call (and not removed):
    its session page and socket, nothing else of the case."""
    return is_officer(user) and invited and same_force(user, session.case.force_id)


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


def can_view_dashboard(user) -> bool:
    """The force's live control-room dashboard: everyone who may view its cases."""
    return can_view_cases(user)


def can_wrap_up(user) -> bool:
    """Record a call's outcome and settle the case's checklist: the work of whoever takes calls."""
    return can_contact_victims(user)


def can_open_training_link(user, case) -> bool:
    """The join link of a training session, for the colleague playing the caller: never a real case's."""
    return can_contact_victims(user) and same_force(user, case.force_id) and case.is_training


def can_see_escalations(user) -> bool:
    return is_verified_staff(user) and user.role in ESCALATION_VIEWERS


def can_view_audit(user) -> bool:
    """The force's audit trail: force administrators only."""
    return is_verified_staff(user) and user.role == Role.FORCE_ADMIN


def can_manage_services(user) -> bool:
    """The support-service directory in the admin, for the services covering the admin's own force.

    The admin site asks this of request.user after the login middleware checked both factors."""
    return bool(user.is_active and user.is_staff and user.role == Role.FORCE_ADMIN and user.force_id)


def can_manage_call_outcomes(user) -> bool:
    """The list of call outcomes offered at wrap-up, in the admin: the force's own list, like its services."""
    return can_manage_services(user)


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


# --- reviews of call handlers' decisions (Raneem's Law) -----------------------------------
# Which incidents (their own force's, a call handler's own) is the reviews selectors' part.
REVIEWER_ROLES = {Role.SPECIALIST, Role.SUPERVISOR}
REVIEW_STATISTICS_ROLES = {Role.SUPERVISOR, Role.FORCE_ADMIN}


def can_log_incidents(user) -> bool:
    """Call handlers log the incidents they handled and read the feedback on their own."""
    return is_verified_staff(user) and logs_incidents(user)


def can_review_incidents(user) -> bool:
    """Specialists and supervisors work the force's review queue."""
    return is_verified_staff(user) and user.role in REVIEWER_ROLES


# Roles only: the views check the second factor before the reviews services are called.


def logs_incidents(user) -> bool:
    return user.role == Role.CALL_HANDLER and bool(user.force_id)


def can_review_incident(user, incident) -> bool:
    """A specialist or supervisor of the incident's force."""
    return user.role in REVIEWER_ROLES and same_force(user, incident.force_id)


def can_see_review_stats(user) -> bool:
    """Review statistics per team of the user's force: supervisors and force administrators."""
    return is_verified_staff(user) and user.role in REVIEW_STATISTICS_ROLES


# --- location and evidence shared in a call ------------------------------------------------
# Call handlers see where the caller is (they send help there) but not the pictures: evidence
# is for the staff who take part in the call and the case. Officers reach neither here.


def can_see_location(user, case) -> bool:
    """The caller's live location on the session page: anyone who may view the case."""
    return can_view_case(user, case)


def can_take_snapshots(user, case) -> bool:
    """Take an evidence snapshot of the caller's video (the caller's consent is checked apart)."""
    return can_contact_victims(user) and same_force(user, case.force_id)


def can_view_evidence(user, case) -> bool:
    """Open a snapshot or photo: specialists, supervisors and force admins of the case's force."""
    return can_contact_victims(user) and same_force(user, case.force_id)


def can_manage_review_settings(user) -> bool:
    """Teams and the force's own missed-opportunity entries, in the admin. Force-less entries
    (every force's list) are a superuser's to change."""
    return bool(user.is_active and user.is_staff and user.role == Role.FORCE_ADMIN and user.force_id)
