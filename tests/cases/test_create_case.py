"""Opening a case: a mobile the caller confirmed is safe to text, stored encrypted."""

import pytest
from django.db import connection

from response_platform.cases.models import Case
from response_platform.lib import crypto
from tests.personas import verified_client
from video.models import EventKind

NOT_VALID = "This phone number is not valid. Check the digits."
LANDLINE = "This is a landline or other number that cannot receive text messages. Ask for a mobile number."
NOT_A_NUMBER = "This is not a phone number."
SAFE_TO_TEXT = "Confirm with the caller that it is safe to text this number."


def form(**overrides):
    data = {
        "incident_reference": " INC-2026-0042 ",
        "victim_phone": "07700 900123",
        "preferred_language": "en-gb",
        "safe_to_text_confirmed": "on",
    }
    return {k: v for k, v in (data | overrides).items() if v is not None}


def test_a_specialist_opens_a_case_with_the_mobile_in_international_form(people):
    response = verified_client(people.alice).post("/cases/new/", form())
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    assert case.victim_phone == "+447700900123"
    assert case.incident_reference == "INC-2026-0042"
    assert case.force == people.force_a
    assert case.created_by == people.alice
    assert case.safe_to_text_confirmed
    assert case.events.filter(kind=EventKind.CASE_CREATED).count() == 1


@pytest.mark.parametrize(
    ("number", "message"),
    [("0121 496 0000", LANDLINE), ("0770", NOT_VALID), ("call me", NOT_A_NUMBER)],
    ids=["landline", "too-short", "words"],
)
def test_it_refuses_a_number_that_cannot_take_a_text(people, number, message):
    response = verified_client(people.alice).post("/cases/new/", form(victim_phone=number))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Case.objects.exists()


def test_it_needs_the_caller_to_have_confirmed_it_is_safe_to_text(people):
    response = verified_client(people.alice).post("/cases/new/", form(safe_to_text_confirmed=None))
    assert response.status_code == 200
    assert SAFE_TO_TEXT in response.content.decode()
    assert not Case.objects.exists()


def test_the_number_is_stored_encrypted_with_a_blind_index(people):
    verified_client(people.alice).post("/cases/new/", form())
    with connection.cursor() as cursor:
        cursor.execute("SELECT victim_phone, victim_phone_index FROM cases_case")
        stored, index = cursor.fetchone()
    assert "7700900123" not in stored
    assert crypto.decrypt(stored) == "+447700900123"
    assert index == crypto.blind_index("+447700900123")


def test_the_case_page_shows_only_the_end_of_the_number(people):
    verified_client(people.alice).post("/cases/new/", form())
    page = verified_client(people.alice).get(f"/cases/{Case.objects.get().pk}/").content.decode()
    assert "0123" in page
    assert "7700900123" not in page and "07700 900123" not in page


def test_the_number_never_reaches_the_logs(people, caplog):
    caplog.set_level("DEBUG")
    client = verified_client(people.alice)
    client.post("/cases/new/", form())
    client.post("/cases/new/", form(victim_phone="0121 496 0000"))
    client.post(f"/cases/{Case.objects.get().pk}/sessions/")
    assert "900123" not in caplog.text
    assert "4960000" not in caplog.text and "496 0000" not in caplog.text


def test_the_number_is_masked_in_error_reports(people):
    from django.views.debug import SafeExceptionReporterFilter

    response = verified_client(people.alice).post("/cases/new/", form())
    reported = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert "900123" not in reported["victim_phone"]
    assert reported["incident_reference"] == " INC-2026-0042 "


def test_the_same_mobile_typed_two_ways_has_one_blind_index(people):
    from response_platform.cases.services import create_case

    typed = {"incident_reference": "A", "preferred_language": "en-gb"}
    first = create_case(by=people.alice, victim_phone="07700 900123", **typed)
    second = create_case(by=people.bob, victim_phone="+447700900123", **typed)
    assert first.victim_phone_index == second.victim_phone_index == crypto.blind_index("+447700900123")
