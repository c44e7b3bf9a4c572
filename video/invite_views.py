"""The specialist invites an officer, interpreter or advocate into a call, and removes them."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from response_platform.accounts.models import Role, User
from response_platform.accounts.permissions import can_attend_as_officer, can_invite, can_view_cases
from response_platform.lib.phones import normalise_mobile
from video import guests, selectors
from video.models import CallInvitation, InviteeKind, VideoSession
from video.presence import MAX_IN_CALL


class InviteForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Who"), choices=InviteeKind.choices)
    officer = forms.ModelChoiceField(
        label=gettext_lazy("Officer"), queryset=User.objects.none(), required=False, empty_label="—"
    )
    contact = forms.CharField(
        label=gettext_lazy("Interpreter's or advocate's mobile number or email"), required=False, max_length=254
    )

    def __init__(self, *args, force_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = User.objects.filter(
            force_id=force_id, role=Role.OFFICER, is_active=True
        ).order_by("last_name", "username")

    def clean(self):
        data = super().clean()
        if data.get("kind") == InviteeKind.OFFICER:
            if not data.get("officer"):
                raise ValidationError(_("Choose the officer to invite."))
            return data
        contact = (data.get("contact") or "").strip()
        if "@" in contact:
            forms.EmailField().clean(contact)
            data["email"], data["phone"] = contact, ""
        elif contact:
            data["phone"], data["email"] = normalise_mobile(contact), ""
        else:
            raise ValidationError(_("Give a mobile number or an email address for the link."))
        return data


def session_for_page(user, session_id) -> VideoSession:
    """The session page's session: staff who may view cases, or an officer invited into this call."""
    if can_view_cases(user):
        return selectors.get_session_for(user, session_id)
    session = get_object_or_404(VideoSession.objects.select_related("case", "case__force", "created_by"), pk=session_id)
    invited = guests.officer_invitation(user, session.pk) is not None
    if not can_attend_as_officer(user, session, invited=invited):
        raise PermissionDenied
    return session


def page_extras(user, session: VideoSession) -> dict:
    """What the session page adds for calls with others: who may join, and who is invited."""
    invited = not can_view_cases(user)  # session_for_page let them in by invitation
    extras = {
        "invited_officer": invited,
        "may_join": invited or can_invite(user),
        "may_invite": can_invite(user),
        "max_in_call": MAX_IN_CALL,
    }
    if extras["may_invite"]:
        extras["invitations"] = list(guests.live(session))
    return extras


def _session_for_inviter(request, session_id) -> VideoSession:
    if not can_invite(request.user):
        raise PermissionDenied
    return selectors.get_session_for(request.user, session_id)


def invite(request, session_id):
    session = _session_for_inviter(request, session_id)
    if session.is_closed:
        messages.error(request, _("This session has ended."))
        return redirect("video:session", session_id=session.pk)
    form = InviteForm(request.POST or None, force_id=session.case.force_id)
    if request.method != "POST" or not form.is_valid():
        context = {"session": session, "form": form, "max_in_call": MAX_IN_CALL, "title": _("Invite others")}
        return render(request, "video/invite.html", context)
    data = form.cleaned_data
    if data["kind"] == InviteeKind.OFFICER:
        try:
            guests.invite_officer(session, officer=data["officer"], by=request.user)
        except guests.AlreadyInvited:
            messages.info(request, _("That officer is already invited."))
            return redirect("video:session", session_id=session.pk)
        # The officer's own sign-in opens the page: nothing to send, and no personal data to disclose.
        messages.success(request, _("The officer can now open this session from their start page and join the call."))
    else:
        guests.invite_guest(session, kind=data["kind"], by=request.user, phone=data["phone"], email=data["email"])
        messages.success(request, _("The link is on its way. It works once, on one device, until you remove them."))
    return redirect("video:session", session_id=session.pk)


@require_POST
def remove(request, session_id, invitation_id):
    session = _session_for_inviter(request, session_id)
    invitation = get_object_or_404(CallInvitation, pk=invitation_id, session=session)
    if guests.remove(invitation, by=request.user):
        messages.success(request, _("Removed: their link no longer works and they have left the call."))
    return redirect("video:session", session_id=session.pk)


def officer_start(request):
    """An officer's start page: the open calls they were invited to, and nothing else of the cases."""
    context = {"invitations": guests.officer_calls(request.user), "title": _("Calls you are invited to")}
    return render(request, "video/officer_start.html", context)
