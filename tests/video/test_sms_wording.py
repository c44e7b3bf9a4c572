"""The join-link text: one plain GSM-7 message, discreet, on a realistic production domain."""

import re

import pytest
from django.core.exceptions import ValidationError

from response_platform.accounts.models import DEFAULT_SMS_TEMPLATE, Force
from response_platform.lib.gsm import GSM7_BASIC
from response_platform.lib.tokens import new_token
from response_platform.sms.models import OutboxMessage
from tests.personas import session_with_link
from video import sms_wording

# Longer than most real deployments, so a pass here holds for them too.
REAL_BASE_URL = "https://respond.example-constabulary.police.uk"


@pytest.fixture
def real_domain(settings):
    settings.PUBLIC_BASE_URL = REAL_BASE_URL


def refusal(force: Force) -> str:
    with pytest.raises(ValidationError) as refused:
        force.full_clean()
    return " ".join(refused.value.message_dict["sms_template"])


def force_with(wording: str) -> Force:
    return Force(code="force-c", name="Force C", sms_template=wording)


def test_the_default_text_as_sent_is_one_plain_gsm_message(people, real_domain):
    session_with_link(people.alice)
    sent = OutboxMessage.objects.get().body

    assert f"{REAL_BASE_URL}/j/" in sent
    assert len(sent) <= 160
    assert set(sent) <= GSM7_BASIC, f"not plain GSM-7: {sorted(set(sent) - GSM7_BASIC)}"


def test_the_default_wording_fits_with_the_longest_link_a_token_makes(real_domain):
    token, _ = new_token()
    text = sms_wording.render(DEFAULT_SMS_TEMPLATE, sms_wording.join_url(token), 30)

    assert len(token) == sms_wording.TOKEN_LENGTH
    assert len(text) <= 160
    assert set(text) <= GSM7_BASIC


def test_the_default_wording_has_no_police_branding_and_no_name(people, real_domain):
    words = DEFAULT_SMS_TEMPLATE.replace("{link}", "").lower()
    for giveaway in ("police", "constabulary", "officer", "999", "domestic", "abuse", "victim", "force"):
        assert giveaway not in words
    # Only the link and its lifetime are filled in: no slot for the caller's or a specialist's name.
    assert sorted(re.findall(r"\{\w*\}", DEFAULT_SMS_TEMPLATE)) == ["{link}", "{minutes}"]
    session_with_link(people.alice)
    sent = OutboxMessage.objects.get().body
    for case_detail in (people.force_a.name, "INC-0001", people.alice.username):
        assert case_detail.lower() not in sent.lower()


def test_the_default_wording_passes_the_forces_own_check(db, real_domain):
    force_with(DEFAULT_SMS_TEMPLATE).full_clean()


def test_wording_too_long_with_the_link_is_refused_with_a_clear_message(db, real_domain):
    wording = (
        "Hello, this is the link that we talked about on the phone a little earlier today. Tap it when safe: {link}"
    )
    assert len(wording) <= 160  # it is the link that tips it over

    message = refusal(force_with(wording))

    assert "longer than one text message" in message
    assert "160" in message


@pytest.mark.parametrize(
    "wording",
    [
        "Here\u2019s the link we talked about: {link}",  # curly apostrophe from a word processor
        "Here is the link we talked about \U0001f60a {link}",  # emoji
        "Here is the link we talked about \u2013 {link}",  # en dash
    ],
)
def test_wording_outside_the_gsm_alphabet_is_refused_with_a_clear_message(db, real_domain, wording):
    message = refusal(force_with(wording))

    assert "outside the GSM alphabet" in message
    assert "curly quotes or emoji" in message


def test_wording_without_the_link_is_refused(db, real_domain):
    assert "{link}" in refusal(force_with("Call us back when it is safe."))


def test_characters_that_cost_two_places_are_counted_twice(db, real_domain):
    link = sms_wording.join_url("x" * sms_wording.TOKEN_LENGTH)
    room = 160 - len(link)
    one_over = "a" * (room - 1) + "[" + "{link}"
    assert len(sms_wording.render(one_over, link, 30)) == 160  # 160 characters but 161 septets
    assert "longer than one text message" in refusal(force_with(one_over))
    force_with(one_over.replace("[", "(")).full_clean()


def test_the_text_states_the_forces_own_link_lifetime(people):
    from response_platform.sms.models import OutboxMessage
    from tests.personas import session_with_link

    people.force_a.join_link_minutes = 45
    people.force_a.save()
    session_with_link(people.alice)
    body = OutboxMessage.objects.latest("created_at").body
    assert "45 minutes" in body
    assert "{minutes}" not in body
