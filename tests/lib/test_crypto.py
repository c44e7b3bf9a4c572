"""Encryption at rest with rotatable keys, and the keyed blind index."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection

from response_platform.cases.models import Case
from response_platform.lib import crypto
from tests.personas import open_case, session_with_link

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def stored_phone(case) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT victim_phone FROM cases_case WHERE id = %s", [case.pk.hex])
        return cursor.fetchone()[0]


def test_a_value_round_trips_and_is_different_each_time():
    first, second = crypto.encrypt("+447700900123"), crypto.encrypt("+447700900123")
    assert first != second
    assert crypto.decrypt(first) == crypto.decrypt(second) == "+447700900123"


def test_the_blind_index_is_stable_and_depends_on_its_key(settings):
    index = crypto.blind_index("+447700900123")
    assert index == crypto.blind_index("+447700900123")
    assert index != crypto.blind_index("+447700900124")
    settings.BLIND_INDEX_KEY = "another-key"
    assert crypto.blind_index("+447700900123") != index


def test_the_encryption_key_is_not_the_session_secret(settings):
    token = crypto.encrypt("+447700900123")
    settings.SECRET_KEY = "a-rotated-session-secret"
    assert crypto.decrypt(token) == "+447700900123"


def test_a_value_written_under_the_old_key_still_reads_after_a_new_key_is_put_first(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    token = crypto.encrypt("+447700900123")
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    assert crypto.decrypt(token) == "+447700900123"
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(InvalidToken):
        crypto.decrypt(token)


def test_rotating_re_encrypts_every_encrypted_field_so_the_old_key_can_go(people, settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    session, _, _ = session_with_link(people.alice)
    case = open_case(people.bob, reference="INC-0002")
    before = stored_phone(case)
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    out = StringIO()
    call_command("rotate_keys", stdout=out)
    assert "cases.Case: 2 rows re-encrypted" in out.getvalue()
    assert "sms.SmsMessage: 1 rows re-encrypted" in out.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert stored_phone(case) != before
    assert {c.victim_phone for c in Case.objects.all()} == {"+447700900123"}
    assert session.links.get().sms.to == "+447700900123"


@pytest.mark.django_db
def test_a_json_field_is_stored_encrypted_and_read_back_as_json(people):
    case = open_case(people.alice)
    case.contact_windows = [{"days": [0, 1], "start": "09:00", "end": "12:00"}]
    case.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_windows FROM cases_case WHERE id = %s", [case.pk.hex])
        raw = cursor.fetchone()[0]
    assert "09:00" not in raw
    case.refresh_from_db()
    assert case.contact_windows == [{"days": [0, 1], "start": "09:00", "end": "12:00"}]
