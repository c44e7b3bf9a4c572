from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from followups import windows
from followups.appointments import LENGTHS
from followups.models import SCHEDULABLE_KINDS, FollowUpKind
from video.models import ConsentDecision

WINDOW_ROWS = 3
DAYS = [
    (0, _("Mon")),
    (1, _("Tue")),
    (2, _("Wed")),
    (3, _("Thu")),
    (4, _("Fri")),
    (5, _("Sat")),
    (6, _("Sun")),
]
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


def local_datetime_field(label) -> forms.DateTimeField:
    """A datetime-local input, read in the active timezone (the views activate the force's)."""
    return forms.DateTimeField(
        label=label,
        input_formats=[LOCAL_INPUT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
    )


def _clock_input():
    attrs = {"placeholder": "HH:MM", "pattern": r"[0-2]\d:[0-5]\d", "inputmode": "numeric", "size": 5}
    return forms.TextInput(attrs=attrs)


class ContactTimesForm(forms.Form):
    """Up to three weekly windows and free-text notes, e.g. "not after 6pm, he is home then"."""

    notes = forms.CharField(label=_("Safe contact notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(WINDOW_ROWS):
            self.fields[f"days_{i}"] = forms.TypedMultipleChoiceField(
                label=_("Days"), choices=DAYS, coerce=int, required=False, widget=forms.CheckboxSelectMultiple
            )
            self.fields[f"start_{i}"] = forms.CharField(label=_("From"), required=False, widget=_clock_input())
            self.fields[f"end_{i}"] = forms.CharField(label=_("Until"), required=False, widget=_clock_input())

    @classmethod
    def initial_for(cls, case) -> dict:
        initial = {"notes": case.safe_contact_notes}
        for i, window in enumerate((case.contact_windows or [])[:WINDOW_ROWS]):
            initial |= {f"days_{i}": window["days"], f"start_{i}": window["start"], f"end_{i}": window["end"]}
        return initial

    def rows(self):
        return [(self[f"days_{i}"], self[f"start_{i}"], self[f"end_{i}"]) for i in range(WINDOW_ROWS)]

    def clean(self):
        data = super().clean()
        filled = [
            {"days": data.get(f"days_{i}") or [], "start": data.get(f"start_{i}", ""), "end": data.get(f"end_{i}", "")}
            for i in range(WINDOW_ROWS)
        ]
        filled = [w for w in filled if w["days"] or w["start"] or w["end"]]
        data["contact_windows"] = windows.clean_windows(filled)
        return data


class ConsentForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("What the caller said"), choices=ConsentDecision.choices, widget=forms.RadioSelect
    )
    read_out = forms.BooleanField(
        label=_("I read the words above to the caller"),
        error_messages={"required": _("Read the words to the caller before recording their answer.")},
    )


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What"),
        choices=[(k.value, k.label) for k in SCHEDULABLE_KINDS],
        initial=FollowUpKind.CHECK_IN_SMS,
        widget=forms.RadioSelect,
    )
    due_at = local_datetime_field(_("When"))


class RescheduleForm(forms.Form):
    due_at = local_datetime_field(_("New time"))


class BookForm(forms.Form):
    starts_at = local_datetime_field(_("Start of the call (the time the caller chose)"))
    minutes = forms.TypedChoiceField(
        label=_("Length"), choices=[(m, _("%(m)s minutes") % {"m": m}) for m in LENGTHS], coerce=int, initial=30
    )


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """A rule the service refused shows at the top of the form."""
    form.add_error(None, error)
