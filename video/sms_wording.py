"""The join-link text message: the force's discreet wording around the link."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from response_platform.lib.gsm import fits_one_segment, gsm7_septets

LINK_PLACEHOLDER = "{link}"
# The link's lifetime is set per force; wording that states it must not go stale.
MINUTES_PLACEHOLDER = "{minutes}"
# secrets.token_urlsafe(16) is always 22 characters.
TOKEN_LENGTH = 22
# What a caller whose language is not English gets: a force's own English wording cannot
# be translated by machine, so every other language has this neutral text from the
# catalogues (same words as accounts.models.DEFAULT_SMS_TEMPLATE).
TRANSLATED_WORDING = gettext_noop("Here is the link we talked about. It works for {minutes} minutes: {link}")
# One UCS-2 character (any letter outside GSM-7: Polish ą, Arabic, Bengali...) makes the
# whole text UCS-2: 70 characters in one segment, 67 per segment once it is split.
UCS2_SINGLE, UCS2_PART, GSM7_PART = 70, 67, 153


def join_url(token: str) -> str:
    return settings.PUBLIC_BASE_URL + reverse("video:redeem", args=[token])


def render(template: str, link: str, minutes: int) -> str:
    return template.replace(MINUTES_PLACEHOLDER, str(minutes)).replace(LINK_PLACEHOLDER, link)


def validate_template(template: str, minutes: int) -> None:
    """Refuse wording without the link or that cannot go as one GSM-7 segment."""
    if LINK_PLACEHOLDER not in template:
        raise ValidationError("The wording must contain {link} where the link goes.")
    sample = render(template, join_url("x" * TOKEN_LENGTH), minutes)
    if not fits_one_segment(sample):
        raise ValidationError(
            "With the link, this wording is longer than one text message (160 plain characters) "
            "or uses characters outside the GSM alphabet, such as curly quotes or emoji."
        )


def template_for(force, language: str) -> str:
    """The wording for a caller who reads `language`: the force's own in English."""
    if language.split("-")[0] == "en":
        return force.sms_template
    with translation.override(language):
        return translation.gettext(TRANSLATED_WORDING)


def segments(text: str) -> tuple[str, int]:
    """The encoding a text goes in and how many SMS segments it takes (each is billed)."""
    septets = gsm7_septets(text)
    if septets is not None:
        return "GSM-7", 1 if septets <= 160 else -(-septets // GSM7_PART)
    units = len(text.encode("utf-16-le")) // 2
    return "UCS-2", 1 if units <= UCS2_SINGLE else -(-units // UCS2_PART)
