"""Victim mobiles: parsed, refused when they cannot take a text, normalised to E.164."""

import pytest
from django.core.exceptions import ValidationError

from response_platform.lib.phones import masked, normalise_mobile


@pytest.mark.parametrize("raw", ["07700 900123", "07700900123", "+44 7700 900123", "(07700) 900-123"])
def test_a_drama_mobile_in_any_common_shape_becomes_e164(raw):
    assert normalise_mobile(raw) == "+447700900123"


def test_a_real_format_foreign_mobile_is_accepted():
    assert normalise_mobile("+33 6 12 34 56 78") == "+33612345678"


def test_a_landline_is_refused_as_a_landline():
    with pytest.raises(ValidationError) as refused:
        normalise_mobile("0121 496 0000")
    assert refused.value.code == "not_mobile"


@pytest.mark.parametrize("raw", ["0770", "07700 9001234"])
def test_a_number_with_the_wrong_digits_is_refused(raw):
    with pytest.raises(ValidationError) as refused:
        normalise_mobile(raw)
    assert refused.value.code == "invalid"


def test_drama_numbers_are_refused_when_fictional_numbers_are_off(settings):
    settings.ACCEPT_FICTIONAL_NUMBERS = False
    with pytest.raises(ValidationError):
        normalise_mobile("07700 900123")


def test_a_masked_number_shows_only_its_last_four_digits():
    shown = masked("+447700900123")
    assert shown.endswith("0123")
    assert "900123" not in shown
