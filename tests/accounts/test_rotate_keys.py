"""Key rotation: `manage.py rotate_keys` moves every encrypted value to the new key, in batches, resumably."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import CommandError, call_command
from django.db import connection

from referrals.models import RiskAssessment
from response_platform.accounts.management.commands.rotate_keys import encrypted_columns
from response_platform.cases.models import Case
from response_platform.sms.models import SmsMessage
from tests.personas import open_case, session_with_link
from tests.referrals.referring import SAFE_NOTES, WINDOWS, assess, with_contact_details

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def rotate(*args) -> str:
    out = StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


def raw_phones() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT victim_phone FROM cases_case")
        return {row[0] for row in cursor.fetchall()}


def written_under_the_old_key(people, settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    session, _, _ = session_with_link(people.alice)
    with_contact_details(session.case)
    assess(session.case, people.alice)
    open_case(people.bob, phone="+447700900124", reference="INC-0002")
    return session.case


def test_every_encrypted_field_of_every_model_is_found():
    found = {f"{model._meta.label}.{column}" for model, columns in encrypted_columns() for column in columns}
    assert {
        "cases.Case.victim_phone",
        "cases.Case.contact_windows",
        "sms.SmsMessage.to",
        "sms.InboundSms.body",
        "video.ChatMessage.text",
        "referrals.RiskAssessment.answers",
        "referrals.Referral.shared_data",
    } <= found


def test_a_value_written_under_the_old_key_reads_with_only_the_new_key_after_rotation(people, settings):
    case = written_under_the_old_key(people, settings)
    before = raw_phones()
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    out = rotate("--batch-size", "1")
    assert "cases.Case: 2 rows re-encrypted" in out
    assert "referrals.RiskAssessment: 1 rows re-encrypted" in out
    assert "Done: " in out
    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key is gone
    assert raw_phones().isdisjoint(before)
    case = Case.objects.get(pk=case.pk)
    assert (case.victim_phone, case.safe_contact_notes, case.contact_windows) == ("+447700900123", SAFE_NOTES, WINDOWS)
    assert RiskAssessment.objects.get().answers["1"]["answer"] == "yes"
    assert SmsMessage.objects.get().to == "+447700900123"


def test_an_interrupted_rotation_carries_on_where_it_stopped(people, settings):
    written_under_the_old_key(people, settings)
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    assert "Stopped after 1 rows" in rotate("--batch-size", "1", "--max-rows", "1")
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    # Half done: the text message (the first model) moved to the new key, the cases not yet.
    assert SmsMessage.objects.get().to == "+447700900123"
    with pytest.raises(InvalidToken):
        list(Case.objects.all())
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    second = rotate("--batch-size", "1")
    assert "sms.SmsMessage: 0 rows re-encrypted, 1 rows checked" in second  # not done twice
    assert "cases.Case: 2 rows re-encrypted" in second
    assert "Done: 0 rows" in rotate()
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert {c.victim_phone for c in Case.objects.all()} == {"+447700900123", "+447700900124"}


def test_it_stops_and_says_which_row_when_a_key_is_missing(people, settings):
    case = written_under_the_old_key(people, settings)
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(CommandError, match=r"^\w+\.\w+ \S+: a value no key in FIELD_ENCRYPTION_KEYS can decrypt"):
        rotate()
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    assert Case.objects.get(pk=case.pk).victim_phone == "+447700900123"


def test_the_former_command_name_still_rotates(people, settings):
    written_under_the_old_key(people, settings)
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    call_command("rotate_field_keys", stdout=StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert len({c.victim_phone for c in Case.objects.all()}) == 2
