"""The specialist's side: send a link, resend, revoke, end. Tokens are shown once and never stored."""

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client

from response_platform.lib.crypto import sha256_hex
from response_platform.sms.models import OutboxMessage, SmsMessage
from tests.personas import a_little_later, open_case, session_with_link, verified_client
from video.models import JoinLink, SessionState, VideoSession

NEUTRAL = "This link is no longer valid"


def sent_token() -> str:
    body = OutboxMessage.objects.latest("created_at").body
    return body.rsplit("/j/", 1)[1].split()[0]


def send_link(client, case, django_capture_on_commit_callbacks):
    # The SMS goes out after commit, as it would in a real request.
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(f"/cases/{case.pk}/sessions/")


def everything_stored_but_the_outbox() -> str:
    """Every column of every row (decrypted where encrypted, raw as well), as one string."""
    seen = []
    for model in apps.get_models():
        if model is OutboxMessage:  # the dev backend's stand-in for the caller's phone
            continue
        seen.extend(str(row) for row in model._base_manager.values_list())
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")
            seen.extend(str(row) for row in cursor.fetchall())
    return "\n".join(seen)


def test_sending_a_link_creates_a_session_and_texts_the_caller(people, django_capture_on_commit_callbacks):
    case = open_case(people.alice)
    response = send_link(verified_client(people.alice), case, django_capture_on_commit_callbacks)
    session = VideoSession.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == f"/sessions/{session.pk}/"
    assert session.state == SessionState.LINK_SENT
    outbox = OutboxMessage.objects.get()
    assert outbox.to == "+447700900123"
    token = sent_token()
    assert outbox.body.endswith(f"https://respond.example.test/j/{token}")
    assert JoinLink.objects.get(session=session).token_hash == sha256_hex(token)


def test_the_token_is_stored_nowhere_once_sent(people, django_capture_on_commit_callbacks):
    case = open_case(people.alice)
    send_link(verified_client(people.alice), case, django_capture_on_commit_callbacks)
    token = sent_token()
    sms = SmsMessage.objects.get()
    assert sms.body == ""
    assert token not in sms.record_body
    assert "[link]" in sms.record_body
    stored = everything_stored_but_the_outbox()
    assert "+447700900123" in stored  # the scan sees decrypted values, so it would see a stored token
    assert token not in stored


def test_the_session_page_shows_the_record_so_far(people, django_capture_on_commit_callbacks):
    case = open_case(people.alice)
    client = verified_client(people.alice)
    page = client.get(send_link(client, case, django_capture_on_commit_callbacks)["Location"]).content.decode()
    assert page.index("Case created") < page.index("Text message queued") < page.index("Text message delivered")
    assert "0123" in page and "7700900123" not in page


def test_resend_revokes_the_old_link_and_sends_a_new_one(people, django_capture_on_commit_callbacks):
    session, old_link, old_token = session_with_link(people.alice)
    client = verified_client(people.alice)
    a_little_later(session)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/sessions/{session.pk}/resend/", follow=True)
    assert "A new link is on its way" in response.content.decode()
    new_token = sent_token()
    assert new_token != old_token
    assert OutboxMessage.objects.count() == 2
    old = Client().get(f"/j/{old_token}")
    assert old.status_code == 404 and NEUTRAL in old.content.decode()
    assert Client().get(f"/j/{new_token}").status_code == 302


def test_revoke_makes_the_link_stop_working(people):
    session, _, token = session_with_link(people.alice)
    response = verified_client(people.alice).post(f"/sessions/{session.pk}/revoke/", follow=True)
    assert "The link no longer works" in response.content.decode()
    assert "Link revoked" in response.content.decode()
    assert Client().get(f"/j/{token}").status_code == 404


def test_revoke_also_shuts_out_a_caller_who_already_opened_it(people):
    session, _, token = session_with_link(people.alice)
    phone = Client()
    phone.get(f"/j/{token}")
    verified_client(people.alice).post(f"/sessions/{session.pk}/revoke/")
    assert NEUTRAL in phone.get("/v/").content.decode()


def test_end_closes_the_session_and_its_link(people):
    session, _, token = session_with_link(people.alice)
    page = verified_client(people.alice).post(f"/sessions/{session.pk}/end/", follow=True).content.decode()
    session.refresh_from_db()
    assert session.state == SessionState.ENDED
    assert session.ended_at is not None
    assert "Session ended" in page
    assert "Resend link" not in page and 'id="join"' not in page
    assert Client().get(f"/j/{token}").status_code == 404


def test_an_ended_session_cannot_be_resent(people):
    session, _, _ = session_with_link(people.alice)
    client = verified_client(people.alice)
    client.post(f"/sessions/{session.pk}/end/")
    response = client.post(f"/sessions/{session.pk}/resend/", follow=True)
    assert "This session has ended" in response.content.decode()
    assert session.links.filter(revoked_at__isnull=True).count() == 0


@pytest.mark.parametrize("action", ["resend", "revoke", "end"])
def test_actions_refuse_a_get(people, action):
    session, _, _ = session_with_link(people.alice)
    assert verified_client(people.alice).get(f"/sessions/{session.pk}/{action}/").status_code == 405
    session.refresh_from_db()
    assert session.state == SessionState.LINK_SENT


@pytest.mark.parametrize("action", ["resend", "revoke", "end"])
def test_actions_refuse_a_post_without_the_form_token(people, action):
    session, _, token = session_with_link(people.alice)
    client = verified_client(people.alice)
    client.handler.enforce_csrf_checks = True
    assert client.post(f"/sessions/{session.pk}/{action}/").status_code == 403
    session.refresh_from_db()
    assert session.state == SessionState.LINK_SENT
    assert Client().get(f"/j/{token}").status_code == 302


def test_sending_a_link_refuses_a_post_without_the_form_token(people):
    case = open_case(people.alice)
    client = verified_client(people.alice)
    client.handler.enforce_csrf_checks = True
    assert client.post(f"/cases/{case.pk}/sessions/").status_code == 403
    assert not VideoSession.objects.exists()


def test_the_buttons_post_with_the_form_token(people):
    session, _, _ = session_with_link(people.alice)
    client = verified_client(people.alice)
    client.handler.enforce_csrf_checks = True
    page = client.get(f"/sessions/{session.pk}/").content.decode()
    csrf = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert client.post(f"/sessions/{session.pk}/end/", {"csrfmiddlewaretoken": csrf}).status_code == 302
    session.refresh_from_db()
    assert session.state == SessionState.ENDED


def test_the_session_page_query_count_does_not_grow_with_the_record(people, django_assert_num_queries):
    from video.events import record_event
    from video.models import EventKind

    session, _, _ = session_with_link(people.alice)
    client = verified_client(people.alice)
    for who in [people.alice, people.bob] * 10:
        record_event(case=session.case, session=session, kind=EventKind.JOINED, actor=who, detail="Specialist")
    # session, user, OTP device, header force, the session with case, force and author,
    # its latest link with the SMS, the timeline with its actors, the people invited into the
    # call, the pictures listed in the evidence panel, and the navigation's three counts (overdue
    # referrals, unread texts, the review queue); then 5 for the page's audit consultation entry
    # (savepoint, lock the chain head, insert the entry, move the head, release).
    with django_assert_num_queries(17):
        response = client.get(f"/sessions/{session.pk}/")
    assert response.content.decode().count("Joined · Specialist") == 20


def test_a_double_press_on_resend_sends_no_second_text(people, django_capture_on_commit_callbacks):
    session, _, token = session_with_link(people.alice)
    client = verified_client(people.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/sessions/{session.pk}/resend/", follow=True)
    assert "A link was sent a moment ago" in response.content.decode()
    assert OutboxMessage.objects.count() == 1
    assert Client().get(f"/j/{token}").status_code == 302  # the link already sent still works


def test_a_double_press_on_send_link_opens_one_session_and_sends_one_text(people, django_capture_on_commit_callbacks):
    case = open_case(people.alice)
    client = verified_client(people.alice)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"/cases/{case.pk}/sessions/")
        second = client.post(f"/cases/{case.pk}/sessions/")
    assert first["Location"] == second["Location"]
    assert case.sessions.count() == 1
    assert OutboxMessage.objects.count() == 1
