"""Referrals from the control room: the case page's panel, the "make a referral" page, a referral's thread."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from referrals import minimise, selectors, services, suggest
from referrals.models import ServiceKind
from referrals.risk import current_assessment
from response_platform.accounts.permissions import can_contact_victims, can_refer, can_view_cases
from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record
from response_platform.cases.selectors import get_case_for
from video.models import ConsentMethod

# The consent choices on the form: (consent_method, consented).
CONSENT_CHOICES = {
    "verbal": (ConsentMethod.VERBAL, True),
    "on_device": (ConsentMethod.ON_DEVICE, True),
    # The specialist heard the refusal and records it.
    "refused": (ConsentMethod.VERBAL, False),
    # MARAC only: consent not asked or not given, professional judgement with a reason.
    "judgement": ("", False),
}


def case_panel(request, case) -> str:
    context = {
        "case": case,
        "referrals": selectors.referrals_for_case(request.user, case),
        "can_refer": can_refer(request.user),
        "user": request.user,
    }
    return render_to_string("referrals/referrals/case_panel.html", context, request=request)


def new_referral(request, case_id):
    if not can_refer(request.user):
        raise PermissionDenied
    case = get_case_for(request.user, case_id)
    errors: dict[int, str] = {}
    if request.method == "POST":
        response = _send(request, case, errors)
        if response is not None:
            return response
    # The page previews exactly what each service would receive.
    record(AuditAction.CONSULTATION, case, actor=request.user, detail="make-a-referral page")
    context = _new_referral_context(request, case, errors)
    return render(request, "referrals/referrals/new.html", context, status=400 if errors else 200)


def _send(request, case, errors: dict[int, str]):
    service_id = _int(request.POST.get("service"))
    service = suggest.services_for_case(case).filter(pk=service_id).first() if service_id else None
    if service is None:
        raise Http404
    choice = CONSENT_CHOICES.get(request.POST.get("consent", ""))
    if choice is None or (request.POST.get("consent") == "judgement" and service.kind != ServiceKind.MARAC):
        errors[service.pk] = _("Record the caller's answer about sharing with this service.")
        return None
    method, consented = choice
    session = case.sessions.order_by("-created_at").first() if method == ConsentMethod.ON_DEVICE else None
    try:
        services.make_referral(
            case,
            service,
            by=request.user,
            consent_method=method,
            consented=consented,
            without_consent_reason=request.POST.get("reason", ""),
            session=session,
        )
    except services.AlreadyReferred:
        messages.info(request, _("%(service)s already has an open referral for this case.") % {"service": service})
    except services.ReferralError as exc:
        errors[service.pk] = str(exc)
        return None
    else:
        messages.success(request, _("Referral sent to %(service)s.") % {"service": service})
    return redirect("cases:detail", case_id=case.pk)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _new_referral_context(request, case, errors: dict[int, str]) -> dict:
    kind, area = request.GET.get("kind", ""), request.GET.get("area", "")
    assessment = current_assessment(case)
    suggested = suggest.suggested_kinds(assessment)
    everything = minimise.collect(case, by=request.user, assessment=assessment)
    open_ones = {
        r.service_id: r for r in case.referrals.filter(status__in=services.OPEN_STATUSES).select_related("service")
    }
    cards = [
        {
            "service": service,
            "suggested": service.kind in suggested,
            "open": open_ones.get(service.pk),
            "is_marac": service.kind == ServiceKind.MARAC,
            "preview": minimise.describe(minimise.pick(service.kind, everything)),
            "script": services.consent_script(service),
            "error": errors.get(service.pk),
            "posted": request.POST if errors.get(service.pk) else {},
        }
        for service in suggest.services_for_case(case, kind=kind, area=area)
    ]
    cards.sort(key=lambda card: not card["suggested"])
    return {
        "case": case,
        "assessment": assessment,
        "suggested_kinds": [ServiceKind(k).label for k in suggested],
        "cards": cards,
        "kinds": ServiceKind.choices,
        "kind": kind,
        "area": area,
        "title": _("Make a referral"),
    }


def referral_thread(request, case_id, referral_id):
    """One referral as the control room sees it: its record and the messages with the service."""
    case, referral = _staff_referral(request, case_id, referral_id)
    record(AuditAction.CONSULTATION, referral, actor=request.user, detail="referral thread page")
    context = {
        "case": case,
        "referral": referral,
        "shared": minimise.describe(referral.shared_data or {}),
        "can_write": can_contact_victims(request.user),
    }
    context["title"] = _("Referral to %(service)s") % {"service": referral.service}
    return render(request, "referrals/referrals/thread.html", context)


def referral_thread_panel(request, case_id, referral_id, panel):
    # Pushes to the case page name the "referrals" panel; this page reloads it from here.
    if panel != "referrals":
        raise Http404
    case, referral = _staff_referral(request, case_id, referral_id)
    html = render_to_string("referrals/referrals/_thread.html", {"referral": referral}, request=request)
    return HttpResponse(html, headers={"Cache-Control": "no-store"})


@require_POST
def post_message(request, case_id, referral_id):
    if not can_contact_victims(request.user):
        raise PermissionDenied
    case, referral = _staff_referral(request, case_id, referral_id)
    try:
        services.post_message(referral, by=request.user, body=request.POST.get("body", ""))
    except services.ReferralError as exc:
        messages.error(request, str(exc))
    return redirect("referrals:referral_thread", case_id=case.pk, referral_id=referral.pk)


def _staff_referral(request, case_id, referral_id):
    if not can_view_cases(request.user):
        raise PermissionDenied
    case = get_case_for(request.user, case_id)
    return case, selectors.get_referral_for_staff(request.user, case, referral_id)
