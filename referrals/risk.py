"""Risk assessment on a case: save a version, score it, say which MARAC criteria it meets.

The questions, and the "yes" counts at which the level rises, come from the
current `Questionnaire` row (the DASH checklist by default), never from code,
so a force can move to another version of the tool.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from referrals.models import Question, Questionnaire, Referral, RiskAssessment, RiskLevel, ServiceKind
from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record
from response_platform.cases.models import Case
from response_platform.cases.panels import case_panel_changed

YES, NO, NOT_KNOWN = "yes", "no", "not_known"
ANSWER_LABELS = {YES: gettext_lazy("Yes"), NO: gettext_lazy("No"), NOT_KNOWN: gettext_lazy("Not known")}
# SafeLives MARAC criterion "potential escalation": this many call-outs in 12 months.
ESCALATION_CALLOUTS = 3
MAX_CALLOUTS = 99
# The MARAC look-back for call-outs and repeat referrals.
TWELVE_MONTHS = timedelta(days=365)
# Two saves racing for the same version number: the loser takes the next one.
SAVE_ATTEMPTS = 3


def current_questionnaire() -> Questionnaire:
    """The tool offered for new versions. Raises Questionnaire.DoesNotExist if none is marked current."""
    return Questionnaire.objects.filter(is_current=True).latest("pk")


def questions_of(questionnaire: Questionnaire) -> list[Question]:
    return list(questionnaire.questions.order_by("number"))


def current_assessment(case: Case) -> RiskAssessment | None:
    return (
        RiskAssessment.objects.filter(case=case)
        .select_related("questionnaire", "completed_by")
        .order_by("-version")
        .first()
    )


def level_for(questionnaire: Questionnaire, yes_count: int) -> str:
    if yes_count >= questionnaire.high_threshold:
        return RiskLevel.HIGH
    if yes_count >= questionnaire.medium_threshold:
        return RiskLevel.MEDIUM
    return RiskLevel.STANDARD


def count_yes(answers: dict) -> int:
    # "Not known" is not a yes: the checklist scores only what the victim confirmed.
    return sum(1 for entry in answers.values() if entry["answer"] == YES)


def earlier_marac_referral(case: Case, *, by=None) -> bool:
    """Was this number referred to MARAC from another case of this force in the last 12 months?

    Other cases only: this case's own MARAC referral is the referral, not a repeat.
    Same force only: a MARAC in another force's area is not this force's to disclose.
    Looking across cases by the caller's number is a combination of personal data.
    """
    record(AuditAction.COMBINATION, case, actor=by, detail="repeat MARAC referral look-up by number")
    return (
        Referral.objects.filter(
            service__kind=ServiceKind.MARAC,
            case__force_id=case.force_id,
            case__victim_phone_index=case.victim_phone_index,
            created_at__gte=timezone.now() - TWELVE_MONTHS,
        )
        .exclude(case_id=case.pk)
        .exists()
    )


def clean_answers(questionnaire: Questionnaire, answers: dict) -> dict:
    """{"<number>": {"answer": ..., "note": ...}} for exactly the questionnaire's questions."""
    cleaned, missing = {}, []
    for question in questions_of(questionnaire):
        entry = answers.get(str(question.number)) or answers.get(question.number) or {}
        if entry.get("answer") not in ANSWER_LABELS:
            missing.append(question.number)
            continue
        cleaned[str(question.number)] = {"answer": entry["answer"], "note": (entry.get("note") or "").strip()}
    if missing:
        numbers = ", ".join(str(n) for n in missing)
        message = _("Answer every question with yes, no or not known. Not answered: %(numbers)s.")
        raise ValidationError({"answers": message % {"numbers": numbers}})
    return cleaned


def _check_marac_fields(professional_judgement: bool, reason: str, callouts: int) -> None:
    errors = {}
    if professional_judgement and not reason:
        errors["professional_judgement_reason"] = _("Give the reason for referring on professional judgement.")
    if not 0 <= callouts <= MAX_CALLOUTS:
        message = _("Enter a number of call-outs from 0 to %(max)s.")
        errors["police_callouts_12_months"] = message % {"max": MAX_CALLOUTS}
    if errors:
        raise ValidationError(errors)


def save_assessment(
    case: Case,
    *,
    by,
    answers: dict,
    notes: str = "",
    professional_judgement: bool = False,
    professional_judgement_reason: str = "",
    police_callouts_12_months: int = 0,
    repeat_referral: bool | None = None,
) -> RiskAssessment:
    """Save the next version of the case's assessment. Earlier versions are never changed.

    `repeat_referral` is what the specialist ticked; an earlier MARAC referral for
    the same number makes it true whatever was ticked. Raises ValidationError.
    """
    questionnaire = current_questionnaire()
    answers = clean_answers(questionnaire, answers)
    reason = professional_judgement_reason.strip() if professional_judgement else ""
    _check_marac_fields(professional_judgement, reason, police_callouts_12_months)
    yes_count = count_yes(answers)
    fields = {
        "questionnaire": questionnaire,
        "answers": answers,
        "notes": notes.strip(),
        "yes_count": yes_count,
        "level": level_for(questionnaire, yes_count),
        "visible_high_risk": yes_count >= questionnaire.high_threshold,
        "professional_judgement": professional_judgement,
        "professional_judgement_reason": reason,
        "police_callouts_12_months": police_callouts_12_months,
        "repeat_referral": bool(repeat_referral) or earlier_marac_referral(case, by=by),
        "completed_by": by,
    }
    assessment = _create_next_version(case, fields)
    case_id = case.pk
    transaction.on_commit(lambda: case_panel_changed(case_id, "risk"))
    return assessment


def _create_next_version(case: Case, fields: dict) -> RiskAssessment:
    for attempt in range(SAVE_ATTEMPTS):
        try:
            with transaction.atomic():
                # Saves of one case queue here (PostgreSQL); the unique (case, version)
                # constraint and the retry cover databases that ignore the lock.
                list(Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True))
                last = RiskAssessment.objects.filter(case=case).order_by("-version").first()
                version = (last.version if last else 0) + 1
                assessment = RiskAssessment.objects.create(case=case, version=version, **fields)
                action = AuditAction.COLLECTION if version == 1 else AuditAction.ALTERATION
                record(action, assessment, actor=fields["completed_by"], detail=f"risk assessment version {version}")
                return assessment
        except IntegrityError:
            if attempt == SAVE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def stored_answers(assessment: RiskAssessment) -> dict:
    """{"<number>": {"answer": ..., "note": ...}}, decrypted."""
    value = assessment.answers
    return value if isinstance(value, dict) else {}


def marac_criteria(assessment: RiskAssessment) -> list[str]:
    """Human labels of the MARAC referral criteria this version meets; empty if none."""
    met = []
    if assessment.visible_high_risk:
        met.append(_("Visible high risk (%(count)s yes)") % {"count": assessment.yes_count})
    if assessment.professional_judgement:
        met.append(_("Professional judgement"))
    if assessment.police_callouts_12_months >= ESCALATION_CALLOUTS:
        met.append(
            _("Potential escalation (%(count)s police call-outs in 12 months)")
            % {"count": assessment.police_callouts_12_months}
        )
    if assessment.repeat_referral:
        met.append(_("Repeat referral within 12 months"))
    return met


def answers_for_sharing(assessment: RiskAssessment) -> list[dict]:
    """The answers with their questions, as a referral carries them (nobody retypes them).

    [{"number": 1, "text": "...", "answer": "Yes", "answer_code": "yes", "note": "..."}, ...]
    """
    answers = stored_answers(assessment)
    shared = []
    for question in questions_of(assessment.questionnaire):
        entry = answers.get(str(question.number), {})
        answer = entry.get("answer", "")
        shared.append(
            {
                "number": question.number,
                "text": question.text,
                "answer": str(ANSWER_LABELS.get(answer, "")),
                "answer_code": answer,
                "note": entry.get("note", ""),
            }
        )
    return shared
