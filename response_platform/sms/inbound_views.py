"""Texts victims send back: Twilio's webhook, the case page's replies panel, the force's unread list."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from response_platform.accounts.permissions import can_read_replies, can_view_case
from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record
from response_platform.sms import inbound, optout, selectors
from response_platform.sms.views import twilio_webhook

# Nothing is texted back: the phone may not be the victim's alone, and Twilio answers
# STOP and START itself.
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
PANEL_REPLIES = 20


@twilio_webhook
def inbound_webhook(request):
    try:
        inbound.record_reply(
            sid=request.POST.get("MessageSid", ""),
            from_number=request.POST.get("From", ""),
            body=request.POST.get("Body", ""),
        )
    except inbound.BadReply:
        return HttpResponseBadRequest("A text needs MessageSid and From.")
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")


def case_panel(request, case) -> str:
    """The case page's replies: what the victim texted, and whether they said STOP."""
    user = request.user
    if not can_view_case(user, case):
        return ""
    replies = list(case.sms_replies.select_related("read_by")[:PANEL_REPLIES])
    context = {
        "case": case,
        "replies": replies,
        "unread": sum(1 for reply in replies if reply.read_at is None),
        "opt_out": optout.opt_out_for(case.victim_phone),
        "can_mark": can_read_replies(user),
    }
    return render_to_string("sms/replies_panel.html", context, request=request)


def reply_list(request):
    """Unread replies across the user's force, so none waits for someone to open its case."""
    if not can_read_replies(request.user):
        raise PermissionDenied
    # The list shows what callers texted, across the force's cases.
    record(AuditAction.CONSULTATION, actor=request.user, object_type="sms.smsreply", detail="unread replies page")
    context = {
        "replies": selectors.unread_replies_for(request.user).select_related("case")[:200],
        "unmatched": selectors.unmatched_reply_count_for(request.user),
        "unmatched_days": selectors.UNMATCHED_WINDOW.days,
        "title": _("Replies"),
    }
    return render(request, "sms/replies.html", context)


@require_POST
def reply_read(request, reply_id: int):
    if not can_read_replies(request.user):
        raise PermissionDenied
    reply = selectors.get_reply_for(request.user, reply_id)
    inbound.mark_read(reply, by=request.user)
    if request.POST.get("return_to") == "case":
        return redirect("cases:detail", case_id=reply.case_id)
    return redirect("sms:replies")
