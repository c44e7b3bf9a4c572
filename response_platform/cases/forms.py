from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from response_platform.lib.phones import normalise_mobile


class CaseForm(forms.Form):
    incident_reference = forms.CharField(label=_("Incident reference"), max_length=64)
    victim_phone = forms.CharField(
        label=_("Caller's mobile number"),
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"}),
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)
    safe_to_text_confirmed = forms.BooleanField(
        label=_("The caller confirmed it is safe to text this number"),
        error_messages={"required": _("Confirm with the caller that it is safe to text this number.")},
    )
    is_training = forms.BooleanField(
        label=_("Training case (a colleague plays the caller; no real text is sent)"), required=False
    )

    def clean_victim_phone(self):
        return normalise_mobile(self.cleaned_data["victim_phone"])

    def clean_incident_reference(self):
        return self.cleaned_data["incident_reference"].strip()
