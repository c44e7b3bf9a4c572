"""Who may read the audit trail, and which entries they see."""

from django import forms
from django.db.models import QuerySet

from response_platform.accounts.permissions import can_view_audit
from response_platform.audit.actions import AuditAction
from response_platform.audit.models import AuditEvent

__all__ = ["AuditFilterForm", "can_view_audit", "entries_for"]


class AuditFilterForm(forms.Form):
    case = forms.UUIDField(required=False, label="Case id")
    user = forms.CharField(required=False, max_length=150, label="Username")
    action = forms.ChoiceField(required=False, choices=[("", "Any")] + list(AuditAction.choices))
    since = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def summary(self) -> str:
        """The filters in use, for the audit entry of this viewing (ids and usernames only)."""
        data = self.cleaned_data if self.is_valid() else {}
        return ", ".join(f"{name}={value}" for name, value in data.items() if value) or "no filter"


def entries_for(user, form: AuditFilterForm) -> QuerySet[AuditEvent]:
    """The user's force's entries, newest first, narrowed by whatever filters are valid."""
    entries = AuditEvent.objects.filter(force_id=user.force_id).order_by("-position")
    if not form.is_valid():
        return entries.none()
    data = form.cleaned_data
    if data["case"]:
        entries = entries.filter(case_id=data["case"])
    if data["user"]:
        entries = entries.filter(actor_username=data["user"])
    if data["action"]:
        entries = entries.filter(action=data["action"])
    if data["since"]:
        entries = entries.filter(at__date__gte=data["since"])
    if data["until"]:
        entries = entries.filter(at__date__lte=data["until"])
    return entries
