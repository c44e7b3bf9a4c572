from datetime import timedelta

import pytest
from django.test import Client, TestCase
from django.utils import timezone

from response_platform.lib.gsm import fits_one_segment
from response_platform.sms.models import OutboxMessage
from tests.personas import a_little_later, session_with_link
from video import services
from video.models import ConsentDecision, ConsentRecord, EventKind
from video.notices import notice_sha256

NEUTRAL = "This link is no longer valid"


def test_the_link_binds_to_the_first_device_and_leaves_the_address_bar(people):
    session, link, token = session_with_link(people.alice)
    phone = Client()
    response = phone.get(f"/j/{token}")
    assert response.status_code == 302
    assert response["Location"] == "/v/"
    assert token not in response["Location"]
    cookie = response.cookies["vdevice"]
    assert cookie["httponly"]
    page = phone.get("/v/")
    assert page.status_code == 200
    assert b"Before we start" in page.content
    assert session.events.filter(kind=EventKind.LINK_OPENED).count() == 1


def test_a_second_device_gets_the_same_neutral_page_as_a_forged_link(people):
    _, _, token = session_with_link(people.alice)
    Client().get(f"/j/{token}")
    second = Client().get(f"/j/{token}")
    forged = Client().get("/j/AAAAAAAAAAAAAAAAAAAAAA")
    assert second.status_code == forged.status_code == 404
    assert NEUTRAL in second.content.decode()
    assert forged.content == second.content


def expire(session, link, people):
    link.expires_at = timezone.now() - timedelta(seconds=1)
    link.save()


def end(session, link, people):
    services.end_session(session, by=people.alice)


@pytest.mark.parametrize("make_dead", [expire, end], ids=["an expired link", "a link whose session has ended"])
def test_it_refuses(people, make_dead):
    session, link, token = session_with_link(people.alice)
    make_dead(session, link, people)
    response = Client().get(f"/j/{token}")
    assert response.status_code == 404
    assert NEUTRAL in response.content.decode()


def test_consent_is_recorded_with_the_hash_of_the_notice_shown(people):
    session, _, token = session_with_link(people.alice)
    phone = Client()
    phone.get(f"/j/{token}")
    page = phone.get("/v/").content.decode()
    assert "notice_version" in page
    version = page.split('name="notice_version" value="')[1].split('"')[0]
    phone.post("/v/consent/", {"notice_version": version, "video": "yes"})
    records = {r.scope: r for r in ConsentRecord.objects.filter(session=session)}
    assert records["video"].decision == ConsentDecision.GRANTED
    assert records["location"].decision == ConsentDecision.REFUSED
    assert records["video"].notice_sha256 == notice_sha256()
    assert b"Check your camera" in phone.get("/v/").content


def test_the_phone_keeps_its_call_after_the_link_time_runs_out(people):
    _, link, token = session_with_link(people.alice)
    phone = Client()
    phone.get(f"/j/{token}")
    link.refresh_from_db()
    link.expires_at = timezone.now() - timedelta(seconds=1)
    link.save()
    assert phone.get("/v/").status_code == 200
    assert phone.get(f"/j/{token}").status_code == 302


def test_a_revoked_link_shuts_out_even_the_phone_that_opened_it(people):
    session, _, token = session_with_link(people.alice)
    phone = Client()
    phone.get(f"/j/{token}")
    services.revoke_links(session, by=people.alice)
    assert phone.get(f"/j/{token}").status_code == 404
    assert NEUTRAL in phone.get("/v/").content.decode()


def test_a_resent_link_works_on_the_phone_that_had_the_old_one(people):
    session, _, old_token = session_with_link(people.alice)
    phone = Client()
    phone.get(f"/j/{old_token}")
    a_little_later(session)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.send_join_link(session, by=people.alice)
    new_token = OutboxMessage.objects.latest("created_at").body.rsplit("/j/", 1)[1]
    assert phone.get(f"/j/{new_token}").status_code == 302
    assert phone.get("/v/").status_code == 200


def test_the_text_message_fits_one_sms(people):
    session_with_link(people.alice)
    body = OutboxMessage.objects.get().body
    assert fits_one_segment(body)
    assert "police" not in body.lower()


def test_redeeming_is_recorded_once_however_often_the_phone_reopens_it(people):
    session, _, token = session_with_link(people.alice)
    phone = Client()
    for _ in range(3):
        phone.get(f"/j/{token}")
    assert session.events.filter(kind=EventKind.LINK_OPENED).count() == 1
