from datetime import timedelta
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from followups.forms import local_datetime_field
from reviews.models import Decision, MissedOpportunity, Outcome, Review
from reviews.questions import KEY_RISK_QUESTIONS, Answer


class IncidentForm(forms.Form):
    """What a call handler logs about an incident they handled. Times in the force's timezone."""

    incident_reference = forms.CharField(label=_("Incident reference"), max_length=64)
    handled_at = local_datetime_field(_("Handled at"))
    decision = forms.ChoiceField(label=_("Decision taken"), choices=Decision.choices)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why you decided as you did. Only you and the reviewers see this."),
    )
    is_training = forms.BooleanField(label=_("This was a training exercise"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, question in KEY_RISK_QUESTIONS:
            self.fields[f"risk_{key}"] = forms.ChoiceField(
                label=question, choices=Answer.choices, initial=Answer.NOT_ASKED, widget=forms.RadioSelect
            )

    def clean_handled_at(self):
        handled_at = self.cleaned_data["handled_at"]
        # A few minutes' leeway for a clock that runs a little fast.
        if handled_at > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("That time has not come yet."))
        return handled_at

    def risk_fields(self):
        return [self[f"risk_{key}"] for key, _label in KEY_RISK_QUESTIONS]

    def plain_fields(self):
        return [self[name] for name in ("incident_reference", "handled_at", "decision")]

    def risk_answers(self) -> dict[str, str]:
        return {key: self.cleaned_data[f"risk_{key}"] for key, _label in KEY_RISK_QUESTIONS}


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    missed = forms.ModelMultipleChoiceField(
        label=_("Missed safeguarding opportunities"),
        queryset=MissedOpportunity.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    feedback = forms.CharField(
        label=_("Feedback for the call handler"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The call handler sees this on their own page."),
    )

    def __init__(self, *args, force_id: int, review: Review | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        offered = MissedOpportunity.offered_to(force_id)
        if review is not None:
            # A retired entry stays on the review that named it, and can be unticked.
            offered = offered | MissedOpportunity.objects.filter(reviews=review)
        missed = cast(forms.ModelMultipleChoiceField, self.fields["missed"])
        missed.queryset = offered.distinct().order_by("order", "label")

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("outcome") != Outcome.NO_ISSUES and not cleaned.get("feedback", "").strip():
            self.add_error("feedback", _("Say what the call handler can learn from this."))
        return cleaned
