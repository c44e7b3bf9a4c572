"""Texts victims send back, posted by Twilio to our public URL and signed."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from twilio.request_validator import RequestValidator

from response_platform.cases.models import CaseStatus
from response_platform.sms.models import InboundSms
from tests.personas import VICTIM_MOBILE, open_case, verified_client
from tests.sms.webhooks import INBOUND, post, reply, send_reply, signature

pytestmark = pytest.mark.django_db

PATH = INBOUND


def panel(user, case) -> tuple[int, str]:
    response = verified_client(user).get(f"/cases/{case.pk}/panels/replies/")
    return response.status_code, response.content.decode()


def test_a_signed_reply_lands_on_the_case_with_that_number_however_it_was_typed(people):
    case = open_case(people.alice, phone="07700 900123")

    response = send_reply("Can you call after 3? He goes out then.")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert b"<Response/>" in response.content
    [stored] = InboundSms.objects.all()
    assert stored.case == case
    assert stored.body == "Can you call after 3? He goes out then."
    assert stored.read_at is None


def test_the_reply_shows_on_the_case_page_panel_with_a_mark_as_read_button(people):
    case = open_case(people.alice)
    send_reply("Can you call after 3?")

    status, html = panel(people.alice, case)

    assert status == 200
    assert "Can you call after 3?" in html
    assert "Mark as read" in html


def test_marking_a_reply_read_takes_it_off_the_unread_list(people):
    case = open_case(people.alice)
    send_reply("Can you call after 3?")
    stored = InboundSms.objects.get()
    client = verified_client(people.alice)

    response = client.post(f"/replies/{stored.pk}/read/", {"return_to": "case"})

    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    stored.refresh_from_db()
    assert stored.read_by == people.alice
    _, html = panel(people.bob, case)
    assert "Read by alice" in html and "Mark as read" not in html
    assert "Can you call after 3?" not in client.get("/replies/").content.decode()


def test_a_reply_goes_to_the_open_case_not_an_older_closed_one(people):
    old = open_case(people.alice, reference="INC-OLD")
    old.status = CaseStatus.CLOSED
    old.save(update_fields=["status"])
    current = open_case(people.alice, reference="INC-NEW")

    send_reply("Thank you")

    assert InboundSms.objects.get().case == current


def test_a_reply_from_an_unknown_number_is_recorded_without_a_case(people):
    open_case(people.alice)

    response = send_reply("Who is this?", sender="+447700900999")

    assert response.status_code == 200
    [stored] = InboundSms.objects.all()
    assert stored.case is None
    assert stored.body == "Who is this?"


def test_a_forged_reply_is_refused_and_nothing_is_stored(people):
    open_case(people.alice)
    params = reply("Call me")
    forged = RequestValidator("not-our-auth-token").compute_signature(settings.PUBLIC_BASE_URL + PATH, params)

    assert post(PATH, params, forged).status_code == 403
    assert not InboundSms.objects.exists()


def test_an_unsigned_reply_is_refused(people):
    open_case(people.alice)

    assert post(PATH, reply("Call me")).status_code == 403
    assert not InboundSms.objects.exists()


def test_a_reply_signed_for_the_servers_own_address_is_refused(people):
    params = reply("Call me")

    assert post(PATH, params, signature(PATH, params, url="http://testserver" + PATH)).status_code == 403
    assert not InboundSms.objects.exists()


def test_a_redelivered_reply_is_acknowledged_and_stored_once(people):
    open_case(people.alice)
    params = reply("Call me")

    first, again = post(PATH, params, signature(PATH, params)), post(PATH, params, signature(PATH, params))

    assert (first.status_code, again.status_code) == (200, 200)
    assert InboundSms.objects.count() == 1


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"Body": "hello", "From": VICTIM_MOBILE}, id="no MessageSid"),
        pytest.param({"Body": "hello", "MessageSid": "SM" + "4" * 32}, id="no From"),
        pytest.param({"Body": "hello", "MessageSid": "SM" + "4" * 32, "From": "not a number"}, id="From unreadable"),
        pytest.param({"Body": "hello", "MessageSid": "SM" + "4" * 70, "From": VICTIM_MOBILE}, id="MessageSid too long"),
        pytest.param({"Body": "hello", "MessageSid": "SM\x00' OR 1=1", "From": VICTIM_MOBILE}, id="MessageSid junk"),
        pytest.param({}, id="nothing at all"),
    ],
)
def test_a_signed_but_malformed_post_gets_400_and_stores_nothing(people, params):
    assert post(PATH, params, signature(PATH, params)).status_code == 400
    assert not InboundSms.objects.exists()


def test_the_webhook_only_takes_posts(db):
    assert Client().get(PATH).status_code == 405


def test_another_forces_specialist_cannot_see_the_reply(people):
    case = open_case(people.alice)
    send_reply("Can you call after 3?")
    stored = InboundSms.objects.get()
    client = verified_client(people.olivia)

    assert client.get(f"/cases/{case.pk}/panels/replies/").status_code == 404
    assert "Can you call after 3?" not in client.get("/replies/").content.decode()
    assert client.post(f"/replies/{stored.pk}/read/").status_code == 404
    stored.refresh_from_db()
    assert stored.read_at is None


def test_the_reply_text_is_stored_encrypted(people):
    open_case(people.alice)
    send_reply("Can you call after 3?")

    with connection.cursor() as cursor:
        cursor.execute("SELECT body, from_number FROM sms_inboundsms")
        [(body, number)] = cursor.fetchall()

    assert "call after" not in body
    assert "900123" not in number
