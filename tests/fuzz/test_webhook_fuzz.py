"""Any form or body at Twilio's webhooks: 403 unsigned, and signed never a 500 or a half-written row.

Signed requests use Twilio's own RequestValidator and the test auth token, over the
fields exactly as Django parsed them, so the junk gets past the signature check to
the code that reads it. Each example runs in a savepoint rolled back afterwards, so
every example starts from the same rows.
"""

from contextlib import contextmanager

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from response_platform.sms.models import InboundSms, OptOut, SmsMessage, SmsStatus
from tests.fuzz.strategies import form_fields, http_text, junk_bodies
from tests.personas import VICTIM_MOBILE, open_case
from tests.sms.webhooks import INBOUND, STATUS

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
KNOWN_SID = "SM" + "0" * 32
# The victim's number as a phone might write it: each must reach the victim's case.
VICTIM_SPELLINGS = [VICTIM_MOBILE, "07700900123", "07700 900123", "+44 7700 900123", "0044 7700 900123"]
# Content types a caller might claim; Django parses some of them (multipart) itself.
CONTENT_TYPES = [FORM, "multipart/form-data; boundary=xyz", "multipart/form-data", "application/json", "text/plain"]


def encode(fields: dict[str, list[str]]) -> bytes:
    query = QueryDict(mutable=True)
    for name, values in fields.items():
        query.setlist(name, values)
    return query.urlencode().encode()


def sign(path: str, body: bytes, content_type: str) -> str:
    """Twilio's signature over the fields as Django will read them from this body."""
    params = QueryDict(body) if content_type == FORM else QueryDict()
    url = django_settings.PUBLIC_BASE_URL + path
    return RequestValidator(django_settings.TWILIO_AUTH_TOKEN).compute_signature(url, params)


def post(path: str, body: bytes, *, content_type: str = FORM, signed: bool):
    headers = {"X-Twilio-Signature": sign(path, body, content_type)} if signed else {}
    return Client().post(path, body, content_type=content_type, headers=headers)


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


sids = st.from_regex(r"SM[0-9a-f]{32}", fullmatch=True)


# Forms shaped like Twilio's, with each field replaced at random by junk.
def inbound_forms():
    return st.fixed_dictionaries(
        {},
        optional={
            "MessageSid": st.lists(
                st.just(KNOWN_SID) | st.from_regex(r"SM[0-9a-f]{32}", fullmatch=True) | http_text,
                min_size=1,
                max_size=2,
            ),
            "From": st.lists(st.sampled_from(VICTIM_SPELLINGS) | http_text, min_size=1, max_size=2),
            "Body": st.lists(st.sampled_from(["STOP", "start", "yes", ""]) | http_text, min_size=1, max_size=2),
        },
    ).flatmap(lambda known: form_fields.map(lambda extra: extra | known))


def status_forms():
    return st.fixed_dictionaries(
        {},
        optional={
            "MessageSid": st.lists(st.just(KNOWN_SID) | http_text, min_size=1, max_size=2),
            "MessageStatus": st.lists(st.sampled_from(list(SmsStatus.values)) | http_text, min_size=1, max_size=2),
            "ErrorCode": st.lists(st.sampled_from(["30006", "21610", "21211"]) | http_text, min_size=1, max_size=2),
            "ErrorMessage": st.lists(http_text, min_size=1, max_size=2),
        },
    ).flatmap(lambda known: form_fields.map(lambda extra: extra | known))


bodies = st.one_of(inbound_forms().map(encode), status_forms().map(encode), junk_bodies)


@pytest.mark.parametrize("path", [INBOUND, STATUS])
@settings(max_examples=50)  # the signature check comes first and is simple; the signed tests below go deeper
@given(body=bodies, content_type=st.sampled_from(CONTENT_TYPES))
def test_an_unsigned_post_is_always_refused_and_writes_nothing(path, body, content_type):
    inbound, messages = InboundSms.objects.count(), SmsMessage.objects.count()
    response = post(path, body, content_type=content_type, signed=False)
    assert response.status_code == 403
    assert (InboundSms.objects.count(), SmsMessage.objects.count()) == (inbound, messages)


@pytest.fixture
def case(people):
    return open_case(people.alice)


def test_a_signed_inbound_post_of_anything_is_recorded_whole_or_refused(case):
    @given(body=inbound_forms().map(encode) | junk_bodies, content_type=st.sampled_from(CONTENT_TYPES))
    def check(body, content_type):
        with rolled_back():
            before = set(InboundSms.objects.values_list("pk", flat=True))
            opt_outs = OptOut.objects.count()
            response = post(INBOUND, body, content_type=content_type, signed=True)
            assert response.status_code in (200, 400), response.status_code
            new = list(InboundSms.objects.exclude(pk__in=before))
            if response.status_code == 400:
                assert not new and OptOut.objects.count() == opt_outs, "a refused text left rows behind"
                return
            assert len(new) <= 1
            fields = QueryDict(body) if content_type == FORM else QueryDict()
            for reply in new:
                assert reply.provider_sid == fields["MessageSid"].strip()
                assert reply.from_number == fields["From"]
                assert len(reply.body) <= 1600 and fields.get("Body", "").startswith(reply.body)
                if fields["From"] in VICTIM_SPELLINGS:
                    assert reply.case_id == case.pk, "a reply from the victim's number is not on the case"
                else:
                    assert reply.case_id in (None, case.pk)
                    assert reply.case_id is None or reply.from_index == case.victim_phone_index
                if reply.keyword != "stop":
                    assert OptOut.objects.count() == opt_outs

    check()


def test_a_signed_status_post_of_anything_never_moves_a_text_backwards_or_on_junk(case):
    message = SmsMessage.objects.create(to=VICTIM_MOBILE, body="", record_body="Link", provider_sid=KNOWN_SID)
    SmsMessage.objects.filter(pk=message.pk).update(status=SmsStatus.SENT)

    @given(body=status_forms().map(encode) | junk_bodies, content_type=st.sampled_from(CONTENT_TYPES))
    def check(body, content_type):
        with rolled_back():
            response = post(STATUS, body, content_type=content_type, signed=True)
            assert response.status_code in (200, 204, 400), response.status_code
            after = SmsMessage.objects.get(pk=message.pk)
            fields = QueryDict(body) if content_type == FORM else QueryDict()
            moved = after.status != SmsStatus.SENT
            if moved:
                assert fields.get("MessageSid") == KNOWN_SID
                assert after.status == fields.get("MessageStatus")
                assert after.status in (SmsStatus.DELIVERED, SmsStatus.UNDELIVERED, SmsStatus.FAILED)
            else:
                assert after.error_code == "", "an error code was stored without a status change"
            assert after.error_code == "" or after.error_code.isascii() and after.error_code.isdigit()
            assert SmsMessage.objects.count() == 1

    check()
