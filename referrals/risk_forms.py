"""The assessment form, built from the questionnaire's questions (never from a list in code)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from referrals import risk
from referrals.models import Question


def answer_field(number: int | str) -> str:
    return f"q{number}"


def note_field(number: int | str) -> str:
    return f"q{number}_note"


MARAC_FIELDS = [
    "professional_judgement",
    "professional_judgement_reason",
    "police_callouts_12_months",
    "repeat_referral",
]


class RiskAssessmentForm(forms.Form):
    notes = forms.CharField(label=_("Overall notes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    professional_judgement = forms.BooleanField(label=_("Refer to MARAC on professional judgement"), required=False)
    professional_judgement_reason = forms.CharField(
        label=_("Reason for professional judgement"),
        help_text=_("Required when referring on professional judgement."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    police_callouts_12_months = forms.IntegerField(
        label=_("Police call-outs to this victim in the last 12 months"),
        min_value=0,
        max_value=risk.MAX_CALLOUTS,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    repeat_referral = forms.BooleanField(
        label=_("Repeat referral: referred to MARAC within the last 12 months"), required=False
    )

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.fields["police_callouts_12_months"].help_text = _(
            "%(count)s or more is a MARAC criterion (potential escalation)."
        ) % {"count": risk.ESCALATION_CALLOUTS}
        for question in questions:
            self.fields[answer_field(question.number)] = forms.ChoiceField(
                label=question.text,
                choices=[(code, label) for code, label in risk.ANSWER_LABELS.items()],
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Answer question %(number)s: yes, no or not known.") % {"number": question.number}
                },
            )
            self.fields[note_field(question.number)] = forms.CharField(
                label=_("Notes on question %(number)s") % {"number": question.number},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        # Page order, so the error summary lists problems in the order they appear.
        per_question = [name for q in questions for name in (answer_field(q.number), note_field(q.number))]
        self.order_fields(per_question + [*MARAC_FIELDS, "notes"])

    def rows(self) -> list[tuple[Question, forms.BoundField, forms.BoundField]]:
        return [(q, self[answer_field(q.number)], self[note_field(q.number)]) for q in self.questions]

    def clean(self):
        data = super().clean()
        if data.get("professional_judgement") and not (data.get("professional_judgement_reason") or "").strip():
            self.add_error(
                "professional_judgement_reason", _("Give the reason for referring on professional judgement.")
            )
        return data

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            str(q.number): {"answer": data[answer_field(q.number)], "note": data[note_field(q.number)]}
            for q in self.questions
        }

    def service_fields(self) -> dict:
        """Keyword arguments for risk.save_assessment."""
        data = self.cleaned_data
        return {
            "answers": self.answers(),
            "notes": data["notes"],
            "professional_judgement": data["professional_judgement"],
            "professional_judgement_reason": data["professional_judgement_reason"],
            "police_callouts_12_months": data["police_callouts_12_months"],
            "repeat_referral": data["repeat_referral"],
        }


def initial_from(assessment, questionnaire) -> dict:
    """Prefill from the current version; its answers only if made with the same questionnaire."""
    if assessment is None:
        return {"police_callouts_12_months": 0}
    initial = {
        "notes": assessment.notes,
        "professional_judgement": assessment.professional_judgement,
        "professional_judgement_reason": assessment.professional_judgement_reason,
        "police_callouts_12_months": assessment.police_callouts_12_months,
        "repeat_referral": assessment.repeat_referral,
    }
    if assessment.questionnaire_id != questionnaire.pk:
        return initial
    for number, entry in risk.stored_answers(assessment).items():
        initial[answer_field(number)] = entry.get("answer")
        initial[note_field(number)] = entry.get("note", "")
    return initial
