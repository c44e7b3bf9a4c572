from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from control_room import handoff
from response_platform.accounts.permissions import can_contact_victims, can_view_cases
from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record
from response_platform.cases.selectors import get_case_for
from response_platform.lib.headers import allows_media
from response_platform.lib.phones import masked
from video import invite_views, selectors, services
from video.events import serialise


def _contact_allowed(request):
    if not can_contact_victims(request.user):
        raise PermissionDenied


@require_POST
def start(request, case_id):
    _contact_allowed(request)
    case = get_case_for(request.user, case_id)
    try:
        session = services.start_session_with_link(case, by=request.user)
    except services.ContactErased:
        messages.error(request, _("The caller's number was erased under the retention rules; no link can be sent."))
        return redirect("cases:detail", case_id=case.pk)
    return redirect("video:session", session_id=session.pk)


@allows_media
def detail(request, session_id):
    # Staff who may view cases, or an officer invited into this call.
    session = invite_views.session_for_page(request.user, session_id)
    if handoff.outcome_asked(request, session.pk):  # the call page reloaded itself as the call ended
        return redirect("control_room:wrap-up", session_id=session.pk)
    record(AuditAction.CONSULTATION, session, actor=request.user, detail="video session page")
    link = session.links.select_related("sms").order_by("-created_at").first()
    context = {
        "session": session,
        "case": session.case,
        "link": link,
        "masked_phone": masked(session.case.victim_phone),
        "timeline": selectors.with_durations(selectors.timeline(session)),
        "can_contact": can_contact_victims(request.user),
        "title": _("Video session"),
        **invite_views.page_extras(request.user, session),
    }
    return render(request, "video/session.html", context)


def events(request, session_id):
    """The timeline after a given event id, for a page catching up after a reconnect."""
    if not can_view_cases(request.user):
        raise PermissionDenied
    session = selectors.get_session_for(request.user, session_id)
    try:
        after = int(request.GET.get("after", "0"))
    except ValueError:
        after = 0
    events = [serialise(e) for e in selectors.timeline(session, after_id=after)]
    return JsonResponse(
        {"events": events, "state": session.state, "state_label": session.get_state_display()},
        headers={"Cache-Control": "no-store"},
    )


@require_POST
def resend(request, session_id):
    _contact_allowed(request)
    session = selectors.get_session_for(request.user, session_id)
    try:
        services.send_join_link(session, by=request.user)
        messages.success(request, _("A new link is on its way. The old link no longer works."))
    except services.SessionClosed:
        messages.error(request, _("This session has ended. Start a new one from the case."))
    except services.ContactErased:
        messages.error(request, _("The caller's number was erased under the retention rules; no link can be sent."))
    except services.LinkJustSent:
        messages.info(request, _("A link was sent a moment ago, so no other was sent. Wait a little before resending."))
    return redirect("video:session", session_id=session.pk)


@require_POST
def revoke(request, session_id):
    _contact_allowed(request)
    session = selectors.get_session_for(request.user, session_id)
    services.revoke_links(session, by=request.user)
    messages.success(request, _("The link no longer works."))
    return redirect("video:session", session_id=session.pk)


@require_POST
def end(request, session_id):
    _contact_allowed(request)
    session = selectors.get_session_for(request.user, session_id)
    services.end_session(session, by=request.user)
    # Ending a call asks for its outcome and shows what is still to do on the case.
    handoff.ask_for_outcome(request, session.pk)
    return redirect("control_room:wrap-up", session_id=session.pk)
