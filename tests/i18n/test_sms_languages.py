"""The join-link text in the caller's language: discreet in every language, and as few
segments as each alphabet allows (one where the language fits GSM-7)."""

import pytest
from django.test import TestCase

from response_platform.accounts.models import DEFAULT_SMS_TEMPLATE
from response_platform.cases.services import create_case
from response_platform.sms.models import OutboxMessage
from tests.i18n.catalogues import TRANSLATED
from video import services, sms_wording

# Longer than most real deployments (as in tests/video/test_sms_wording.py), so the counts hold for them.
REAL_BASE_URL = "https://respond.example-constabulary.police.uk"
# What each language's text needs with that link. GSM-7 has no letters for Polish (ą ę ł ó ś ż),
# Arabic, Urdu, Gurmukhi or Bengali script: one such letter makes the whole text UCS-2,
# 70 characters a segment (67 once split), and the 72-character link alone fills one.
# Welsh and Romanian wording was chosen to avoid ŵ ŷ and ă â î ș ț, so they stay one segment.
SEGMENTS = {
    "en-gb": ("GSM-7", 1),
    "cy": ("GSM-7", 1),
    "ro": ("GSM-7", 1),
    "pl": ("UCS-2", 2),
    "ar": ("UCS-2", 2),
    "ur": ("UCS-2", 2),
    "pa": ("UCS-2", 2),
    "bn": ("UCS-2", 2),
}
# Words that would give the text away to someone else reading the phone.
GIVEAWAYS = {
    "en-gb": ["police", "abuse", "domestic", "victim", "999"],
    "cy": ["heddlu", "cam-drin", "trais"],
    "ar": ["شرطة", "الشرطة", "عنف", "إساءة"],
    "pl": ["policj", "przemoc", "ofiar"],
    "ur": ["پولیس", "تشدد", "زیادتی"],
    "ro": ["poli", "abuz", "violen"],
    "pa": ["ਪੁਲਿਸ", "ਹਿੰਸਾ"],
    "bn": ["পুলিশ", "নির্যাতন", "সহিংসতা"],
}


@pytest.fixture
def real_domain(settings):
    settings.PUBLIC_BASE_URL = REAL_BASE_URL


def sent_in(language: str, people) -> str:
    """Send a join link for a case in `language` through the specialist's service; the body as sent."""
    case = create_case(
        by=people.alice, incident_reference=f"INC-{language}", victim_phone="+447700900321", preferred_language=language
    )
    session = services.start_session(case, by=people.alice)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.send_join_link(session, by=people.alice)
    return OutboxMessage.objects.latest("created_at").body


def test_every_language_has_a_stated_segment_count():
    assert set(SEGMENTS) == {"en-gb", *TRANSLATED}


@pytest.mark.parametrize("language", SEGMENTS)
def test_the_text_as_sent_needs_the_stated_segments(language, people, real_domain):
    body = sent_in(language, people)
    assert f"{REAL_BASE_URL}/j/" in body
    print(f"{language}: {sms_wording.segments(body)} for {len(body)} characters")
    assert sms_wording.segments(body) == SEGMENTS[language]


def test_a_welsh_caller_gets_the_welsh_text(people, real_domain):
    body = sent_in("cy", people)
    assert body.startswith("Dyma'r ddolen y buon ni'n siarad amdani. Mae'n gweithio am 30 munud: https://")
    assert OutboxMessage.objects.get().to == "+447700900321"


def test_an_english_caller_gets_the_forces_own_wording(people, real_domain):
    people.force_a.sms_template = "Your appointment link ({minutes} min): {link}"
    people.force_a.save()
    assert sent_in("en-gb", people).startswith("Your appointment link (30 min): https://")


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_language_gives_the_text_away(language, people, real_domain):
    body = sent_in(language, people).lower()
    assert body != sms_wording.render(DEFAULT_SMS_TEMPLATE, "", 30).lower()  # really translated
    for word in GIVEAWAYS[language] + GIVEAWAYS["en-gb"] + [people.force_a.name.lower()]:
        assert word not in body.split("https://")[0], (language, word)


def test_the_translated_wording_is_the_english_default():
    # The catalogues translate the default English text; the two must not drift apart.
    assert sms_wording.TRANSLATED_WORDING == DEFAULT_SMS_TEMPLATE


def test_segments_are_counted_as_phones_bill_them():
    assert sms_wording.segments("a" * 160) == ("GSM-7", 1)
    assert sms_wording.segments("a" * 161) == ("GSM-7", 2)
    assert sms_wording.segments("€" * 80) == ("GSM-7", 1)  # an escaped character costs two septets
    assert sms_wording.segments("ą" * 70) == ("UCS-2", 1)
    assert sms_wording.segments("ą" * 71) == ("UCS-2", 2)
    assert sms_wording.segments("ą" * 135) == ("UCS-2", 3)
