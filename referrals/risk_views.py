"""Risk assessment pages: the form (a new version each save), past versions, and the case-page panel.

The form lives on its own page, not in the panel: panels are replaced whenever
anything on the case changes, which would wipe a half-filled checklist.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from referrals import risk
from referrals.models import RiskAssessment
from referrals.risk_forms import RiskAssessmentForm, initial_from
from response_platform.accounts.permissions import can_contact_victims, can_view_cases
from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record
from response_platform.cases.selectors import get_case_for


def versions_of(case) -> list[int]:
    return list(RiskAssessment.objects.filter(case=case).order_by("-version").values_list("version", flat=True))


def summary(assessment: RiskAssessment) -> dict:
    return {
        "assessment": assessment,
        "criteria": risk.marac_criteria(assessment),
        "total": len(risk.stored_answers(assessment)),
    }


# Error reports include POST data; the answers and notes are the victim's account of the abuse.
@sensitive_post_parameters()
@never_cache
def edit(request, case_id):
    if not can_contact_victims(request.user):
        raise PermissionDenied
    case = get_case_for(request.user, case_id)
    questionnaire = risk.current_questionnaire()
    current = risk.current_assessment(case)
    form = RiskAssessmentForm(
        request.POST or None, questions=risk.questions_of(questionnaire), initial=initial_from(current, questionnaire)
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = risk.save_assessment(case, by=request.user, **form.service_fields())
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, saved_message(assessment))
            return redirect("cases:detail", case_id=case.pk)
    record(AuditAction.CONSULTATION, current or case, actor=request.user, detail="risk assessment form")
    context = {
        "case": case,
        "form": form,
        "questionnaire": questionnaire,
        "current": current,
        "found_repeat": risk.earlier_marac_referral(case, by=request.user),
        "title": _("Risk assessment"),
    }
    return render(request, "referrals/risk/edit.html", context)


def saved_message(assessment: RiskAssessment) -> str:
    return _("Risk assessment saved as version %(version)s: %(level)s, %(count)s of %(total)s yes.") % {
        "version": assessment.version,
        "level": assessment.get_level_display(),
        "count": assessment.yes_count,
        "total": len(risk.stored_answers(assessment)),
    }


@never_cache
def version(request, case_id, version):
    if not can_view_cases(request.user):
        raise PermissionDenied
    case = get_case_for(request.user, case_id)
    assessment = get_object_or_404(
        RiskAssessment.objects.select_related("questionnaire", "completed_by"), case=case, version=version
    )
    record(AuditAction.CONSULTATION, assessment, actor=request.user, detail="risk assessment version page")
    versions = versions_of(case)
    context = {
        **summary(assessment),
        "case": case,
        "rows": risk.answers_for_sharing(assessment),
        "versions": versions,
        "is_current": versions[0] == assessment.version,
        "can_contact": can_contact_victims(request.user),
        "title": _("Risk assessment, version %(version)s") % {"version": assessment.version},
    }
    return render(request, "referrals/risk/version.html", context)


def case_panel(request, case) -> str:
    current = risk.current_assessment(case)
    context = {
        "case": case,
        "current": current,
        "versions": versions_of(case),
        "can_contact": can_contact_victims(request.user),
    }
    if current is not None:
        context.update(summary(current))
    return render_to_string("referrals/risk/_panel.html", context, request=request)
