"""Victim phone numbers: parse, refuse what cannot receive an SMS, normalise to E.164."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}
# Ofcom's range reserved for TV and radio drama: +44 7700 900000 to 900999.
FICTIONAL_UK_MOBILE_PREFIX = "+447700900"


def normalise_mobile(raw: str, region: str = "GB") -> str:
    """Return the number in E.164, or raise ValidationError saying what is wrong."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(_("This is not a phone number."), code="invalid") from None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if settings.ACCEPT_FICTIONAL_NUMBERS and _is_fictional_mobile(e164):
        return e164
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("This phone number is not valid. Check the digits."), code="invalid")
    if phonenumbers.number_type(number) not in MOBILE_TYPES:
        raise ValidationError(
            _("This is a landline or other number that cannot receive text messages. Ask for a mobile number."),
            code="not_mobile",
        )
    return e164


def _is_fictional_mobile(e164: str) -> bool:
    return e164.startswith(FICTIONAL_UK_MOBILE_PREFIX) and len(e164) == 13


def masked(e164: str) -> str:
    """For staff screens: enough to confirm with the caller, not the whole number."""
    return f"{e164[:-9]} ••• ••{e164[-4:]}" if len(e164) > 9 else "•••"
