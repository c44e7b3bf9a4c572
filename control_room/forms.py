from django import forms
from django.utils.translation import gettext_lazy as _

from control_room.models import ChecklistItem
from control_room.services import outcomes_for


class WrapUpForm(forms.Form):
    outcome = forms.ModelChoiceField(
        label=_("Outcome of the call"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose the outcome of the call.")},
    )
    no_referral = forms.BooleanField(label=_("No referral is needed"), required=False)
    no_follow_up = forms.BooleanField(label=_("No follow-up: the caller declined or none is needed"), required=False)

    def __init__(self, *args, force_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].queryset = outcomes_for(force_id)

    def decisions(self) -> list[str]:
        chosen = [(self.cleaned_data.get("no_referral"), ChecklistItem.REFERRALS)]
        chosen.append((self.cleaned_data.get("no_follow_up"), ChecklistItem.FOLLOW_UPS))
        return [item for ticked, item in chosen if ticked]
