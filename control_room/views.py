"""The live dashboard, the wrap-up page and the training link. Thin: rules live in services and selectors."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from control_room import checklist, handoff, selectors, services, training
from control_room.forms import WrapUpForm
from control_room.models import ChecklistItem, WrapUp
from response_platform.accounts.permissions import (
    can_contact_victims,
    can_open_training_link,
    can_view_dashboard,
    can_wrap_up,
)
from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record
from response_platform.cases.selectors import get_case_for
from video.models import SessionState
from video.selectors import get_session_for


def _no_store(response):
    # Live rows: a browser's back button or a shared proxy must never show an old board.
    response["Cache-Control"] = "no-store"
    return response


def _mine(request) -> bool:
    return request.GET.get("mine") == "1"


# The dashboard shows incident references, states and staff names, never the caller's
# details, so looking at it (every 15 s) is not a consultation of personal data.
def dashboard(request):
    if not can_view_dashboard(request.user):
        raise PermissionDenied
    mine = _mine(request)
    context = {
        "board": selectors.board_for(request.user, mine=mine),
        "mine": mine,
        "can_contact": can_contact_victims(request.user),
        "title": _("Dashboard"),
    }
    return _no_store(render(request, "control_room/dashboard.html", context))


def dashboard_panel(request):
    """The rows alone, for the open dashboard reloading them live."""
    if not can_view_dashboard(request.user):
        raise PermissionDenied
    board = selectors.board_for(request.user, mine=_mine(request))
    return _no_store(render(request, "control_room/_board.html", {"board": board}))


def wrap_up(request, session_id):
    if not can_wrap_up(request.user):
        raise PermissionDenied
    session = get_session_for(request.user, session_id)
    handoff.outcome_asked(request, session.pk)  # here already: the session page need not send us again
    done = WrapUp.objects.filter(session=session).select_related("outcome", "recorded_by").first()
    form = WrapUpForm(request.POST if request.method == "POST" else None, force_id=session.case.force_id)
    if request.method == "POST" and done is None and form.is_valid():
        try:
            services.record_outcome(
                session, outcome_id=form.cleaned_data["outcome"].pk, by=request.user, decisions=form.decisions()
            )
        except services.WrapUpError as exc:
            messages.error(request, str(exc))
            return redirect("control_room:wrap-up", session_id=session.pk)
        messages.success(request, _("Outcome recorded."))
        return redirect("cases:detail", case_id=session.case_id)
    record(AuditAction.CONSULTATION, session, actor=request.user, detail="wrap-up page")
    context = {
        "session": session,
        "case": session.case,
        "ended": session.state == SessionState.ENDED,
        "done": done,
        "form": form,
        "checklist": checklist.for_case(session.case),
        "title": _("Wrap-up"),
    }
    return render(request, "control_room/wrap_up.html", context, status=400 if form.errors else 200)


@require_POST
def decide(request, case_id, item):
    """Settle a checklist item from the case panel ("no referral needed")."""
    if not can_wrap_up(request.user):
        raise PermissionDenied
    if item not in ChecklistItem.values:
        raise Http404
    case = get_case_for(request.user, case_id)
    services.decide(case, item=item, by=request.user)
    return redirect("cases:detail", case_id=case.pk)


def training_link(request, session_id):
    """The text a training session 'sent', for the colleague playing the caller (no real text went)."""
    session = get_session_for(request.user, session_id)
    if not can_open_training_link(request.user, session.case):
        raise PermissionDenied
    record(AuditAction.CONSULTATION, session, actor=request.user, detail="training join link")
    context = {
        "session": session,
        "case": session.case,
        "text": training.sent_text(session),
        "title": _("Training link"),
    }
    return _no_store(render(request, "control_room/training_link.html", context))


def case_panel(request, case) -> str:
    """The case page's wrap-up checklist (response_platform/cases/panels.py)."""
    context = {
        "case": case,
        "checklist": checklist.for_case(case),
        "unrecorded": list(case.sessions.filter(state=SessionState.ENDED, wrap_up__isnull=True).order_by("-ended_at")),
        "can_wrap_up": can_wrap_up(request.user),
        "items": ChecklistItem,
    }
    return render_to_string("control_room/panel.html", context, request=request)
