"""The caller's pages speak the case's language, right to left where the script is, and the
caller can switch on any page, without JavaScript. Staff pages stay in English."""

import hashlib
import html
import re

import pytest
from django.test import Client, TestCase
from django.utils import translation

from response_platform.cases.forms import CaseForm
from response_platform.cases.services import create_case
from response_platform.sms.models import OutboxMessage
from video import languages, services
from video.models import ConsentRecord, ConsentScope
from video.notices import NOTICE_VERSION, notice_text

WORDS = {
    "en-gb": "Before we start",
    "cy": "Cyn i ni ddechrau",
    "ar": "قبل أن نبدأ",
    "pl": "Zanim zaczniemy",
    "ur": "شروع کرنے سے پہلے",
    "ro": "Înainte de a începe",
    "pa": "ਸ਼ੁਰੂ ਕਰਨ ਤੋਂ ਪਹਿਲਾਂ",
    "bn": "শুরু করার আগে",
}
RIGHT_TO_LEFT = {"ar", "ur"}


def phone_for(people, language: str) -> Client:
    """A phone that opened the join link of a case whose caller reads `language`."""
    case = create_case(
        by=people.alice, incident_reference="INC-7", victim_phone="+447700900654", preferred_language=language
    )
    session = services.start_session(case, by=people.alice)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.send_join_link(session, by=people.alice)
    token = OutboxMessage.objects.latest("created_at").body.rsplit("/j/", 1)[1].split()[0]
    phone = Client()
    assert phone.get(f"/j/{token}").status_code == 302
    return phone


def html_tag(page: str) -> str:
    return re.search(r"<html[^>]*>", page).group(0)


@pytest.mark.parametrize("language", WORDS)
def test_the_consent_page_is_in_the_cases_language(language, people):
    page = html.unescape(phone_for(people, language).get("/v/").content.decode())
    assert WORDS[language] in page
    direction = ' dir="rtl"' if language in RIGHT_TO_LEFT else ""  # left to right is the default
    assert html_tag(page) == f'<html lang="{language}"{direction}>'
    with translation.override(language):
        assert notice_text().split("\n\n")[0] in page


def test_the_caller_switches_language_with_a_plain_form(people):
    phone = phone_for(people, "ar")
    assert 'dir="rtl"' in phone.get("/v/").content.decode()

    response = phone.post("/v/language/", {"language": "pl"})

    assert response.status_code == 302 and response["Location"] == "/v/"
    cookie = response.cookies[languages.COOKIE]
    assert cookie.value == "pl" and cookie["httponly"] and cookie["samesite"] == "Lax"
    page = phone.get("/v/").content.decode()
    assert html_tag(page) == '<html lang="pl">'
    assert "Zanim zaczniemy" in page
    assert '<option value="pl" lang="pl" selected>Polski</option>' in page


def test_every_page_offers_every_language_by_its_own_name(people):
    page = phone_for(people, "cy").get("/v/").content.decode()
    assert '<label for="lang-select">Iaith</label>' in page
    for name in ("English", "Cymraeg", "العربية", "Polski", "اردو", "Română", "ਪੰਜਾਬੀ", "বাংলা"):
        assert f">{name}</option>" in page


def test_an_unknown_language_changes_nothing(people):
    phone = phone_for(people, "cy")
    response = phone.post("/v/language/", {"language": "xx"})
    assert languages.COOKIE not in response.cookies
    assert 'lang="cy"' in phone.get("/v/").content.decode()


def test_a_language_post_from_another_site_is_refused(people):
    phone = phone_for(people, "cy")
    response = phone.post("/v/language/", {"language": "pl"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 404
    assert languages.COOKIE not in response.cookies


def test_the_consent_record_keeps_the_language_and_the_hash_of_the_words_shown(people):
    phone = phone_for(people, "ur")
    shown = html.unescape(phone.get("/v/").content.decode())
    with translation.override("ur"):
        words = notice_text()
    assert all(part in shown for part in words.split("\n\n"))

    phone.post("/v/consent/", {"notice_version": NOTICE_VERSION, "language": "ur", "video": "yes"})

    record = ConsentRecord.objects.get(scope=ConsentScope.VIDEO)
    assert record.language == "ur"
    assert record.notice_sha256 == hashlib.sha256(words.encode()).hexdigest()
    with translation.override("en-gb"):
        assert record.notice_sha256 != hashlib.sha256(notice_text().encode()).hexdigest()


def test_the_call_page_and_the_refusal_page_follow_the_language(people):
    phone = phone_for(people, "bn")
    phone.post("/v/consent/", {"notice_version": NOTICE_VERSION, "language": "bn", "video": "yes"})
    call = phone.get("/v/").content.decode()
    assert 'lang="bn"' in call and "আমি প্রস্তুত" in call  # "I'm ready"
    refused = Client(headers={"Accept-Language": "ro"}).get("/j/" + "x" * 22)
    assert refused.status_code == 404
    assert "Acest link nu mai este valabil" in refused.content.decode()
    assert refused["Content-Language"] == "ro"


def test_staff_pages_stay_in_english_whatever_the_browser_asks(db):
    page = Client(headers={"Accept-Language": "cy,pl;q=0.9"}).get("/login/").content.decode()
    assert 'lang="cy"' not in page and 'lang="pl"' not in page


def test_the_case_form_accepts_only_the_offered_languages():
    data = {"incident_reference": "INC-1", "victim_phone": "07700 900123", "safe_to_text_confirmed": "on"}
    assert CaseForm({**data, "preferred_language": "ar"}).is_valid()
    assert "preferred_language" in CaseForm({**data, "preferred_language": "fr"}).errors
