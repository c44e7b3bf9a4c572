"""Referrals: sending one from the case, and what a support worker does with it.

Every change stamps its time, adds a `ReferralEvent` and tells the open pages
(`referrals.live.referral_changed`). Transitions claim the referral with a
conditional UPDATE ("if one row changed, it is mine"), so two workers pressing
the same button at once make one event, not two.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from referrals import minimise
from referrals.live import referral_changed
from referrals.models import (
    Referral,
    ReferralEvent,
    ReferralEventKind,
    ReferralMessage,
    ReferralStatus,
    ServiceKind,
    SupportService,
)
from referrals.risk import current_assessment
from response_platform.accounts.permissions import can_work_referral, can_write_on_referral
from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record
from response_platform.cases.models import Case
from response_platform.lib.crypto import sha256_hex
from video.models import ConsentDecision, ConsentMethod, ConsentRecord, ConsentScope

OPEN_STATUSES = (
    ReferralStatus.SENT,
    ReferralStatus.ACKNOWLEDGED,
    ReferralStatus.ACCEPTED,
    ReferralStatus.CONTACTED,
)
MESSAGE_MAX_LENGTH = 4000
NOTE_MAX_LENGTH = 2000

# The words a specialist reads out before recording verbal consent. Each consent
# record keeps this version and the SHA-256 of the exact text read, service name
# and list of what is shared included, so it can later be shown what was agreed.
CONSENT_SCRIPT_VERSION = "2026-11-r1"
CONSENT_SCRIPT = (
    "I'd like to share some details with {service}, a support service that can help you. "
    "They would get {what}, and nothing else. They keep it confidential. "
    "Is it all right with you that I share this with them?"
)


class ReferralError(Exception):
    """A referral or a step on it that cannot be made; the message is for the user."""


class ConsentRequired(ReferralError):
    pass


class AlreadyReferred(ReferralError):
    def __init__(self, referral: Referral):
        super().__init__(_("A referral to this service is already open for this case."))
        self.referral = referral


class TransitionRefused(ReferralError):
    pass


def consent_script(service: SupportService) -> str:
    return CONSENT_SCRIPT.format(service=service.name, what=minimise.spoken_summary(service.kind))


def make_referral(
    case: Case,
    service: SupportService,
    *,
    by,
    consent_method: str,
    consented: bool,
    without_consent_reason: str = "",
    session=None,
) -> Referral:
    """Send a minimised referral to `service`, with the victim's recorded consent.

    Without consent there is no referral (a refusal is still recorded), except to a
    MARAC on professional judgement with the reason given. Raises ReferralError.
    A second press while the first referral is open sends nothing and raises AlreadyReferred.
    """
    _check_service(case, service)
    reason = without_consent_reason.strip()
    if not consented:
        if consent_method:
            _record_consent(case, service, by=by, method=consent_method, granted=False, session=session)
        if service.kind != ServiceKind.MARAC:
            raise ConsentRequired(_("No consent, no referral: the caller did not agree to share with this service."))
        if not reason:
            raise ConsentRequired(_("Give the reason for referring to MARAC without the caller's consent."))
    with transaction.atomic():
        # Presses for one case queue here, so a double press finds the first referral.
        Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).first()
        existing = Referral.objects.filter(case=case, service=service, status__in=OPEN_STATUSES).first()
        if existing is not None:
            raise AlreadyReferred(existing)
        consent = None
        if consented:
            consent = _record_consent(case, service, by=by, method=consent_method, granted=True, session=session)
            record(AuditAction.COLLECTION, consent, actor=by, detail="referral-sharing consent")
        referral = _create(case, service, by=by, consent=consent, reason="" if consented else reason)
    return referral


def _check_service(case: Case, service: SupportService) -> None:
    if case.is_training:
        # Every service in the directory is real: a practice case must not reach one.
        raise ReferralError(_("This is a training case: referrals to real services are not sent."))
    if not service.active:
        raise ReferralError(_("This service is not taking referrals."))
    if not service.forces.filter(pk=case.force_id).exists():
        raise ReferralError(_("This service does not cover your force's area."))


def _record_consent(case, service, *, by, method: str, granted: bool, session) -> ConsentRecord:
    if method not in ConsentMethod.values:
        raise ConsentRequired(_("Say how the caller gave their consent."))
    return ConsentRecord.objects.create(
        case=case,
        session=session,
        scope=ConsentScope.REFERRAL_SHARING,
        subject=f"service:{service.pk}",
        decision=ConsentDecision.GRANTED if granted else ConsentDecision.REFUSED,
        method=method,
        recorded_by=by,
        notice_version=CONSENT_SCRIPT_VERSION,
        notice_sha256=sha256_hex(consent_script(service)),
        language=case.preferred_language,
    )


def _create(case, service, *, by, consent, reason: str) -> Referral:
    from referrals.notify import notify_service

    assessment = current_assessment(case)
    referral = Referral.objects.create(
        case=case,
        service=service,
        consent=consent,
        without_consent_reason=reason,
        risk_assessment=assessment,
        shared_data=minimise.shared_data_for(case, service, by=by, assessment=assessment),
        created_by=by,
        sla_due_at=timezone.now() + timedelta(hours=service.ack_sla_hours),
    )
    ReferralEvent.objects.create(referral=referral, kind=ReferralEventKind.SENT, actor=by)
    # The reason itself stays on the referral: it may describe the victim, the trail must not.
    why = f"consent record {consent.pk}" if consent else "professional judgement, reason on the referral"
    record(AuditAction.DISCLOSURE, referral, actor=by, recipient=service.name, justification=why)
    notify_service(referral, "referral.sent")
    referral_changed(referral)
    return referral


# Support workers' steps ------------------------------------------------------------


def acknowledge(referral: Referral, *, by) -> Referral:
    return _move(
        referral,
        by=by,
        allowed=(ReferralStatus.SENT,),
        to=ReferralStatus.ACKNOWLEDGED,
        events=[ReferralEventKind.ACKNOWLEDGED],
        refused=_("Only a new referral can be acknowledged; this one already is."),
    )


def accept(referral: Referral, *, by) -> Referral:
    """Accepting a referral nobody acknowledged yet acknowledges it too."""
    return _move(
        referral,
        by=by,
        allowed=(ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED),
        to=ReferralStatus.ACCEPTED,
        events=_acceptance_events,
        refused=_("This referral has already been accepted, declined or closed."),
        accepted_at=True,
    )


def _acceptance_events(prior: str) -> list[str]:
    if prior == ReferralStatus.SENT:
        return [ReferralEventKind.ACKNOWLEDGED, ReferralEventKind.ACCEPTED]
    return [ReferralEventKind.ACCEPTED]


def decline(referral: Referral, *, by, reason: str) -> Referral:
    reason = _required(reason, _("Give the reason for declining."))
    return _move(
        referral,
        by=by,
        allowed=(ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED),
        to=ReferralStatus.DECLINED,
        events=[ReferralEventKind.DECLINED],
        refused=_("Only a referral not yet accepted can be declined."),
        note=reason,
        declined_at=True,
        decline_reason=reason,
    )


def record_contact_attempt(referral: Referral, *, by, note: str, successful: bool) -> Referral:
    """Log an attempt to reach the victim; a successful one moves an accepted referral to contacted."""
    note = _required(note, _("Say what happened."))
    outcome = _("Contact made") if successful else _("No contact")
    _check_worker(referral, by)
    with transaction.atomic():
        locked = Referral.objects.select_for_update().filter(pk=referral.pk).first()
        if locked is None or locked.status not in (ReferralStatus.ACCEPTED, ReferralStatus.CONTACTED):
            raise TransitionRefused(_("Accept the referral before recording contact attempts."))
        if successful and locked.status == ReferralStatus.ACCEPTED:
            Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.CONTACTED, updated_at=timezone.now())
        _event(referral, ReferralEventKind.CONTACT_ATTEMPT, by, f"{outcome}: {note}")
    return _changed(referral)


def close(referral: Referral, *, by, outcome: str) -> Referral:
    outcome = _required(outcome, _("Give the outcome."))
    return _move(
        referral,
        by=by,
        allowed=(ReferralStatus.ACCEPTED, ReferralStatus.CONTACTED),
        to=ReferralStatus.CLOSED,
        events=[ReferralEventKind.CLOSED],
        refused=_("Only an accepted referral can be closed."),
        note=outcome,
        closed_at=True,
    )


def post_message(referral: Referral, *, by, body: str) -> ReferralMessage:
    """A message in the thread between the service and the referring force, from either side."""
    body = _required(body, _("Write a message."))
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ReferralError(_("Keep a message under %(n)s characters.") % {"n": MESSAGE_MAX_LENGTH})
    if not (can_work_referral(by, referral) or can_write_on_referral(by, referral)):
        raise PermissionDenied
    with transaction.atomic():
        message = ReferralMessage.objects.create(referral=referral, author=by, body=body)
        _record_message(message, referral, by)
    Referral.objects.filter(pk=referral.pk).update(updated_at=timezone.now())
    referral_changed(referral)
    return message


def _move(referral, *, by, allowed, to, events, refused, note="", **stamps) -> Referral:
    """`events`: the event kinds to add, or a function of the status the referral moved from."""
    _check_worker(referral, by)
    now = timezone.now()
    fields = {"status": to, "updated_at": now, "acknowledged_at": Coalesce(F("acknowledged_at"), Value(now))}
    for name, value in stamps.items():
        fields[name] = now if value is True else value
    with transaction.atomic():
        rows = Referral.objects.filter(pk=referral.pk)
        prior = rows.select_for_update().values_list("status", flat=True).first()
        # The status in the WHERE clause, not only the Python check, is what makes
        # two workers pressing at once produce one change where the lock is not enough.
        if prior not in allowed or not rows.filter(status=prior).update(**fields):
            raise TransitionRefused(refused)
        kinds = events(prior) if callable(events) else events
        for kind in kinds:
            _event(referral, kind, by, note if kind == kinds[-1] else "")
    return _changed(referral)


def _record_message(message: ReferralMessage, referral: Referral, by) -> None:
    # From the force to the service it is a disclosure; from the service, a collection.
    if can_work_referral(by, referral):
        record(AuditAction.COLLECTION, message, actor=by, detail="message from the service")
    else:
        service = referral.service.name
        record(AuditAction.DISCLOSURE, message, actor=by, recipient=service, detail="message to the service")


def _event(referral, kind, by, note: str) -> None:
    ReferralEvent.objects.create(referral=referral, kind=kind, actor=by, note=note)
    record(AuditAction.ALTERATION, referral, actor=by, detail=f"referral status step: {kind}")


def _changed(referral: Referral) -> Referral:
    referral.refresh_from_db()
    referral_changed(referral)
    return referral


def _required(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ReferralError(message)
    if len(text) > NOTE_MAX_LENGTH:
        raise ReferralError(_("Keep it under %(n)s characters.") % {"n": NOTE_MAX_LENGTH})
    return text


def _check_worker(referral: Referral, by) -> None:
    # Views reach referrals through the worker's own selector; this is the second lock.
    if not can_work_referral(by, referral):
        raise PermissionDenied
