"""The join-link text message: the force's discreet wording around the link."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from response_platform.lib.gsm import fits_one_segment

LINK_PLACEHOLDER = "{link}"
# The link's lifetime is set per force; wording that states it must not go stale.
MINUTES_PLACEHOLDER = "{minutes}"
# secrets.token_urlsafe(16) is always 22 characters.
TOKEN_LENGTH = 22


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
