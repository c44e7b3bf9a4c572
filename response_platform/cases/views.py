from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from response_platform.accounts.permissions import can_contact_victims, can_view_cases
from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record
from response_platform.cases import panels, selectors, services
from response_platform.cases.forms import CaseForm
from response_platform.lib.phones import masked
from response_platform.sms.optout import is_index_opted_out


def case_list(request):
    if not can_view_cases(request.user):
        raise PermissionDenied
    cases = selectors.cases_for(request.user).select_related("created_by")[:100]
    context = {"cases": cases, "can_contact": can_contact_victims(request.user), "title": _("Cases")}
    return render(request, "cases/list.html", context)


# Error reports (e-mails to ADMINS, Sentry) include the POST data; the number must not go with them.
@sensitive_post_parameters("victim_phone")
def case_create(request):
    if not can_contact_victims(request.user):
        raise PermissionDenied
    form = CaseForm(request.POST or None, initial={"preferred_language": "en-gb"})
    if request.method == "POST" and form.is_valid():
        case = services.create_case(by=request.user, **_case_fields(form.cleaned_data))
        return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/new.html", {"form": form, "title": _("New case")})


def _case_fields(data):
    return {k: data[k] for k in ("incident_reference", "victim_phone", "preferred_language", "is_training")}


def case_detail(request, case_id):
    if not can_view_cases(request.user):
        raise PermissionDenied
    case = selectors.get_case_for(request.user, case_id)
    # DPA 2018 s.62: showing the case is a consultation. Its live panel reloads are not
    # recorded again: they show the same case to the same person on the same open page.
    record(AuditAction.CONSULTATION, case, actor=request.user, detail="case page")
    sessions = case.sessions.order_by("-created_at")
    context = {
        "case": case,
        "sessions": sessions,
        "masked_phone": masked(case.victim_phone),
        "can_contact": can_contact_victims(request.user),
        # A number that replied STOP gets no link: the button would only fail.
        "opted_out": is_index_opted_out(case.victim_phone_index),
        "panels": panels.render_all(request, case),
        "title": case.incident_reference,
    }
    return render(request, "cases/detail.html", context)


def case_panel(request, case_id, panel):
    """One panel of the case page, for a page reloading it live."""
    if not can_view_cases(request.user):
        raise PermissionDenied
    if panel not in panels.PANELS:
        raise Http404
    case = selectors.get_case_for(request.user, case_id)
    return HttpResponse(panels.render_panel(request, case, panel), headers={"Cache-Control": "no-store"})
