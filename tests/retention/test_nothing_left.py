"""Must show: erasing by retention leaves no erased value anywhere in the database.

The data is committed (transaction=True) so the database's own dump sees it: pg_dump on
PostgreSQL, the SQLite file itself and its SQL dump on SQLite; and Django's dumpdata.
Encrypted columns are no hiding place: every Fernet token found in a dump is decrypted
with every key and its plaintext searched as well.
"""

import base64
import re
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import InvalidToken
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from evidence import services as evidence
from response_platform.audit.models import AuditEvent
from response_platform.lib import crypto
from tests.referrals.dash import ensure_dash_questionnaire
from tests.referrals.referring import DASH_NOTE
from tests.retention.scene import CHAT, NOTES, PHONE, REPLY, Scene, build, run
from video.models import ConsentScope

# What the caller shared in the call: where they were, and a photo (its bytes carry words to search for).
LATITUDE, LONGITUDE = 51.498765, -0.123457
PHOTO_WORDS = "Photo of the bruise, taken in the bathroom at Juniper Row"
PHOTO = b"\x89PNG\r\n\x1a\n" + PHOTO_WORDS.encode()
EVIDENCE_VALUES = (str(LATITUDE), str(LONGITUDE), PHOTO_WORDS, base64.b64encode(PHOTO).decode())


def add_evidence(scene: Scene) -> None:
    for scope in (ConsentScope.LOCATION, ConsentScope.SNAPSHOTS):
        evidence.set_consent(scene.session, scope, grant=True, language="en-gb")
    position = evidence.Position(lat=LATITUDE, lon=LONGITUDE, accuracy=8.0, captured_at=timezone.now())
    evidence.share_location(scene.session, position)
    evidence.receive_photo(scene.session, PHOTO)


TOKEN = re.compile(r"gAAAAA[A-Za-z0-9_\-]+=*")
NATIONAL = "0" + PHONE.removeprefix("+44")


def database_dump() -> str:
    """The database as its own tools dump it (every live row of every table)."""
    if connection.vendor == "postgresql" and shutil.which("pg_dump"):
        db = connection.settings_dict
        command = ["pg_dump", "--data-only", "-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432)]
        command += ["-U", db["USER"], db["NAME"]]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return "\n".join(connection.connection.iterdump())
    return every_text_column()


def every_text_column() -> str:
    """Fallback: every row of every table, as text."""
    seen = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            seen.extend(str(row) for row in cursor.fetchall())
    return "\n".join(seen)


def sqlite_file_bytes() -> str:
    """The SQLite database file and its write-ahead log, byte for byte."""
    if connection.vendor != "sqlite":
        return ""
    path = Path(connection.settings_dict["NAME"])
    files = [path, path.with_name(path.name + "-wal")]
    return "".join(f.read_bytes().decode("latin-1") for f in files if f.exists())


def decrypted_tokens(text: str) -> str:
    """The plaintext of every Fernet token in `text` that a current key opens."""
    plaintexts = []
    for token in set(TOKEN.findall(text)):
        try:
            plaintext = crypto.fernet().decrypt(token.encode())
        except InvalidToken:
            continue
        # An evidence picture is bytes, not text: latin-1 keeps every byte of it searchable.
        try:
            plaintexts.append(plaintext.decode())
        except UnicodeDecodeError:
            plaintexts.append(plaintext.decode("latin-1"))
    return "\n".join(plaintexts)


def dumpdata() -> str:
    out = StringIO()
    call_command("dumpdata", stdout=out)  # the ORM's view: encrypted fields come out decrypted
    return out.getvalue()


def everything() -> str:
    logical, raw = database_dump(), sqlite_file_bytes()
    return "\n".join([logical, decrypted_tokens(logical), dumpdata(), raw, decrypted_tokens(raw)])


@pytest.mark.django_db(transaction=True)
def test_erased_contact_details_and_chat_are_nowhere_in_the_database(people, twilio):
    ensure_dash_questionnaire()
    build(people, twilio)
    before = everything()
    # The search can fail: before erasure it finds every value (in dumpdata and decrypted tokens).
    for value in (PHONE, CHAT, NOTES, REPLY):
        assert value in before
    run(people.force_a, 366)
    after = everything()
    for value in (PHONE, NATIONAL, crypto.blind_index(PHONE), CHAT, NOTES, REPLY):
        assert value not in after
    assert AuditEvent.objects.filter(action="erasure").count() == 2  # the contact details, the chat


@pytest.mark.django_db(transaction=True)
def test_erased_locations_and_photos_are_nowhere_in_the_database(people, twilio):
    ensure_dash_questionnaire()
    add_evidence(build(people, twilio))
    before = everything()
    for value in EVIDENCE_VALUES:
        assert value in before
    run(people.force_a, 91)  # past the chat period, which locations and pictures share
    after = everything()
    for value in EVIDENCE_VALUES:
        assert value not in after
    erased = AuditEvent.objects.filter(action="erasure", detail__contains="locations and snapshots")
    assert erased.count() == 2  # the session's locations, its pictures


@pytest.mark.django_db(transaction=True)
def test_an_erased_case_leaves_nothing_of_itself_in_the_database(people, twilio):
    ensure_dash_questionnaire()
    add_evidence(build(people, twilio))
    assert DASH_NOTE in everything()
    run(people.force_a, 2191)
    after = everything()
    for value in (PHONE, NATIONAL, crypto.blind_index(PHONE), CHAT, NOTES, REPLY, DASH_NOTE, "INC-7001"):
        assert value not in after
    for value in EVIDENCE_VALUES:
        assert value not in after
    assert AuditEvent.objects.filter(action="erasure", object_type="cases.case").count() == 1
