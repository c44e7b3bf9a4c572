from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp import match_token


class StaffLoginForm(AuthenticationForm):
    """Username, password and the 6-digit code from the authenticator app, in one step."""

    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        # One message for a wrong password and a wrong code: no hint which factor failed.
        "invalid_login": _("That username, password or code is not right."),
    }

    def clean(self):
        super().clean()
        user = self.get_user()
        if user is None:
            # A missing username or password: its field already carries the error.
            return self.cleaned_data
        device = match_token(user, self.cleaned_data.get("otp_token", "").strip())
        if device is None:
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        self.otp_device = device
        return self.cleaned_data


class ReauthForm(forms.Form):
    """The code again, for an action that wants a fresh second factor."""

    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_otp_token(self):
        # Any of the user's confirmed devices; django-otp counts failures per device and slows guessing.
        if match_token(self.user, self.cleaned_data["otp_token"].strip()) is None:
            raise forms.ValidationError(_("That code is not right."), code="invalid")
        return self.cleaned_data["otp_token"]
