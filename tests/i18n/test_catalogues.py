"""Every string a caller can see is translated into every language the pages offer.

The strings are found the way makemessages finds them (templates run through Django's
templatize, then xgettext), so a new caller-facing string with no translation fails here.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.i18n import catalogues

PLACEHOLDER = re.compile(r"\{\w*\}|%\(\w+\)[sd]")


@pytest.fixture(scope="module")
def wanted() -> set:
    return catalogues.msgids(catalogues.victim_pot())


def compiled(code: str, tmp: Path) -> dict:
    """The catalogue as msgfmt builds it from the .po today: fuzzy and empty entries left out."""
    mo = tmp / f"{code}.mo"
    catalogues.compile_po(catalogues.po_path(code), mo)
    return catalogues.load_mo(mo)


def test_the_pages_offer_english_and_every_translated_language():
    assert [code for code, _ in settings.LANGUAGES] == ["en-gb", *catalogues.TRANSLATED]


def test_the_extraction_finds_the_strings_of_every_caller_facing_source(wanted):
    assert "Exit this page" in wanted  # templates/victim/base.html
    assert "Waiting for the specialist to join…" in wanted  # a data attribute read by victim.js
    assert "Change language" in wanted  # the switcher
    assert any(m.startswith("A specialist would like to talk to you") for m in wanted)  # video/notices.py
    assert any(m.startswith("Here is the link we talked about") for m in wanted)  # video/sms_wording.py
    assert any(m.startswith("We would like to check in with you") for m in wanted)  # followups/consent.py


@pytest.mark.parametrize("code", catalogues.TRANSLATED)
def test_every_caller_facing_string_has_a_finished_translation(code, wanted, tmp_path):
    translated = compiled(code, tmp_path)
    missing = sorted(str(m) for m in wanted if not translated.get(m))
    assert not missing, f"{code}: untranslated or fuzzy (run python -m tests.i18n.catalogues): {missing}"


@pytest.mark.parametrize("code", catalogues.TRANSLATED)
def test_the_committed_compiled_catalogue_matches_its_source(code, tmp_path):
    committed = catalogues.load_mo(catalogues.po_path(code).with_suffix(".mo"))
    assert committed == compiled(code, tmp_path), f"recompile: msgfmt -o locale/{code}/LC_MESSAGES/django.mo ...po"


@pytest.mark.parametrize("code", catalogues.TRANSLATED)
def test_translations_keep_every_placeholder(code, tmp_path):
    for msgid, msgstr in compiled(code, tmp_path).items():
        if isinstance(msgid, str) and msgid:
            assert sorted(PLACEHOLDER.findall(msgstr)) == sorted(PLACEHOLDER.findall(msgid)), (code, msgid)


def test_a_new_untranslated_string_on_a_caller_page_would_be_caught(tmp_path):
    page = tmp_path / "new_notice.html"
    page.write_text('{% load i18n %}<p>{% translate "A string nobody has translated yet" %}</p>', encoding="utf-8")
    found = catalogues.msgids(catalogues.template_pot([page]))
    assert found == {"A string nobody has translated yet"}
    assert "A string nobody has translated yet" not in compiled("cy", tmp_path)


def test_templates_included_by_caller_pages_count_as_caller_facing():
    names = {p.relative_to(catalogues.ROOT / "templates").as_posix() for p in catalogues.victim_templates()}
    assert {"victim/base.html", "victim/call.html", "victim/in_app_browser.html"} <= names
