"""Inviting others: a guest's single-use link, what a guest can never see, removal, invited officers."""

import pytest
from asgiref.sync import sync_to_async
from django.core import mail
from django.db import connection
from django.test import Client

from response_platform.accounts.models import Role
from response_platform.audit.models import AuditEvent
from response_platform.sms.models import OutboxMessage
from tests.personas import make_user, session_with_link, verified_client
from tests.sockets import close_code, connected, make_scene, next_frame, send_and_receive, silent, staff_cookie
from tests.video.invitations import INTERPRETER_MOBILE, guest_device, invite_interpreter, invited_guest
from video import guests, services
from video.consumers import CLOSE_FORBIDDEN
from video.models import CallInvitation, EventKind, InviteeKind, SessionEvent

# --- the invitation ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_guest_is_invited_by_text_with_a_link_and_nothing_about_the_case(people, django_capture_on_commit_callbacks):
    session, _, _ = session_with_link(people.alice)
    client = verified_client(people.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/sessions/{session.pk}/invite/", {"kind": "interpreter", "contact": "07700 900555"}, follow=True
        )
    assert "The link is on its way" in response.content.decode()
    text = OutboxMessage.objects.get(to=INTERPRETER_MOBILE).body
    assert "/g/" in text
    assert session.case.incident_reference not in text and "900123" not in text
    invitation = CallInvitation.objects.get()
    assert invitation.kind == InviteeKind.INTERPRETER and invitation.token_hash and invitation.sms_id
    disclosure = AuditEvent.objects.get(action="disclosure")
    assert disclosure.recipient == "interpreter by sms" and disclosure.actor_username == "alice"
    assert session.events.filter(kind=EventKind.INVITED, detail="Interpreter").exists()


@pytest.mark.django_db
def test_an_email_invitation_carries_the_link_only_and_the_address_is_not_kept(
    people, django_capture_on_commit_callbacks
):
    session, _, _ = session_with_link(people.alice)
    with django_capture_on_commit_callbacks(execute=True):
        invite_interpreter(session, people.alice, email="interpreter@language.example.test")
    [message] = mail.outbox
    assert message.to == ["interpreter@language.example.test"]
    assert "/g/" in message.body and session.case.incident_reference not in message.body
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM video_callinvitation")
        assert "language.example.test" not in repr(cursor.fetchall())


@pytest.mark.django_db
def test_the_invite_form_needs_a_number_or_an_email_and_only_contact_roles_may_use_it(people):
    session, _, _ = session_with_link(people.alice)
    response = verified_client(people.alice).post(f"/sessions/{session.pk}/invite/", {"kind": "advocate"})
    assert "Give a mobile number or an email address" in response.content.decode()
    assert (
        verified_client(people.carol).post(f"/sessions/{session.pk}/invite/", {"kind": "advocate"}).status_code == 403
    )
    assert not CallInvitation.objects.exists()


# --- the link -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_guest_link_works_once_on_one_device_and_leaves_the_address_bar(people):
    session, _, _ = session_with_link(people.alice)
    _, path = invite_interpreter(session, people.alice)
    phone = Client()
    response = phone.get(path)
    assert response.status_code == 302 and response["Location"] == "/g/"
    page = phone.get("/g/")
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert phone.get(path).status_code == 302  # the same device again
    assert Client().get(path).status_code == 404  # any other device
    assert Client().get("/g/").status_code == 404


@pytest.mark.django_db
def test_the_guest_page_shows_the_call_and_no_case_data(people):
    session, _, _ = session_with_link(people.alice)
    services.record_consent(session, decisions={"video": True}, language="en-gb")
    _, path, secret = invited_guest(session, people.alice)
    client = Client()
    client.cookies[guests.GUEST_COOKIE] = secret
    body = client.get("/g/").content.decode()
    assert f'data-session="{session.pk}"' in body and "as interpreter" in body
    for private in (session.case.incident_reference, "07700", "900123", "alice", "Force A"):
        assert private not in body


@pytest.mark.django_db
def test_a_guest_link_dies_with_the_session(people):
    session, _, _ = session_with_link(people.alice)
    _, path, secret = invited_guest(session, people.alice)
    services.end_session(session, by=people.alice)
    client = Client()
    client.cookies[guests.GUEST_COOKIE] = secret
    assert client.get("/g/").status_code == 404
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_a_guest_cookie_opens_no_staff_or_case_page(people):
    session, _, _ = session_with_link(people.alice)
    _, _, secret = invited_guest(session, people.alice)
    client = Client()
    client.cookies[guests.GUEST_COOKIE] = secret
    for url in (
        "/",
        "/cases/",
        f"/cases/{session.case_id}/",
        f"/sessions/{session.pk}/",
        f"/sessions/{session.pk}/events/",
        f"/sessions/{session.pk}/invite/",
        "/v/",
    ):
        response = client.get(url)
        assert response.status_code in (302, 404), url
        if response.status_code == 302:
            assert response["Location"].startswith("/login/"), url


# --- the guest's socket ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_a_guest_gets_no_chat_history_no_chat_and_no_timeline(people):
    scene = await sync_to_async(make_scene)(people)
    victim, _ = await connected(scene.session.pk, scene.victim)
    await send_and_receive(victim, {"type": "chat", "text": "He has a key to the flat"})
    _, _, secret = await sync_to_async(invited_guest)(scene.session, people.alice)
    guest, hello = await connected(scene.session.pk, f"vguest={secret}")
    assert hello["chat"] == [] and hello["role"] == "guest"

    await victim.send_json_to({"type": "chat", "text": "Please hurry"})
    await next_frame(victim)
    refused = await send_and_receive(guest, {"type": "chat", "text": "hello"})
    assert refused["type"] == "error" and refused["code"] == "not_allowed"
    # A timeline event (the caller joining) goes to staff only; the guest sees the peer and nothing else.
    await send_and_receive(victim, {"type": "join"})
    frame = await guest.receive_json_from(timeout=5)
    assert frame["type"] == "peer-joined" and frame["peer"]["role"] == "victim"
    assert await silent(guest) and await guest.receive_nothing(timeout=0.3)
    await victim.disconnect()
    await guest.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_removed_guest_is_cut_off_at_once_and_their_link_is_dead(people):
    scene = await sync_to_async(make_scene)(people)
    invitation, path, secret = await sync_to_async(invited_guest)(scene.session, people.alice)
    staff, _ = await connected(scene.session.pk, scene.staff)
    await send_and_receive(staff, {"type": "join"})
    guest, _ = await connected(scene.session.pk, f"vguest={secret}")
    await send_and_receive(guest, {"type": "join"})
    assert (await next_frame(staff))["type"] == "peer-joined"

    alice = await sync_to_async(verified_client)(people.alice)
    response = await sync_to_async(alice.post)(
        f"/sessions/{scene.session.pk}/invitations/{invitation.pk}/remove/", follow=True
    )
    assert "Removed" in response.content.decode()
    frames, code = await close_code(guest)
    assert frames == [{"type": "closed", "reason": "removed"}] and code == CLOSE_FORBIDDEN
    assert (await next_frame(staff))["type"] == "peer-left"

    client = Client()
    client.cookies[guests.GUEST_COOKIE] = secret
    assert (await sync_to_async(client.get)("/g/")).status_code == 404
    assert (await sync_to_async(client.get)(path)).status_code == 404
    again = await close_code_of_new_socket(scene.session.pk, f"vguest={secret}")
    assert again == CLOSE_FORBIDDEN
    kinds = await sync_to_async(list)(SessionEvent.objects.values_list("kind", flat=True))
    assert EventKind.GUEST_JOINED in kinds and EventKind.GUEST_REMOVED in kinds
    await staff.disconnect()


async def close_code_of_new_socket(session_id, cookie: str) -> int | None:
    from tests.sockets import refusal, socket

    return await refusal(socket(session_id, cookie))


@pytest.mark.django_db(transaction=True)
async def test_a_guest_link_of_one_session_opens_no_other(people):
    scene = await sync_to_async(make_scene)(people)
    other, _, _ = await sync_to_async(session_with_link)(people.alice, phone="+447700900124", reference="INC-0002")
    _, _, secret = await sync_to_async(invited_guest)(scene.session, people.alice)
    assert await close_code_of_new_socket(other.pk, f"vguest={secret}") == CLOSE_FORBIDDEN


# --- an invited officer ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_officer_sees_only_the_calls_they_were_invited_to(people):
    officer = make_user("dave", people.force_a, Role.OFFICER)
    session, _, _ = session_with_link(people.alice)
    client = verified_client(officer)
    assert client.get(f"/sessions/{session.pk}/").status_code == 403
    assert "No calls at the moment" in client.get("/").content.decode()

    verified_client(people.alice).post(f"/sessions/{session.pk}/invite/", {"kind": "officer", "officer": officer.pk})
    start = client.get("/").content.decode()
    assert f"/sessions/{session.pk}/" in start
    page = client.get(f"/sessions/{session.pk}/")
    assert page.status_code == 200 and 'id="join"' in page.content.decode()
    assert 'id="join" disabled' not in page.content.decode()
    assert client.get(f"/cases/{session.case_id}/").status_code == 403
    assert client.get("/cases/").status_code == 403

    guests.remove(CallInvitation.objects.get(user=officer), by=people.alice)
    assert client.get(f"/sessions/{session.pk}/").status_code == 403


@pytest.mark.django_db
def test_an_officer_of_another_force_cannot_be_let_in(people):
    outsider = make_user("rita", people.force_b, Role.OFFICER)
    session, _, _ = session_with_link(people.alice)
    response = verified_client(people.alice).post(
        f"/sessions/{session.pk}/invite/", {"kind": "officer", "officer": outsider.pk}
    )
    assert response.status_code == 200 and not CallInvitation.objects.exists()  # not a choice on the form


@pytest.mark.django_db(transaction=True)
async def test_an_invited_officer_joins_on_their_own_sign_in_and_removal_closes_the_socket(people):
    officer = await sync_to_async(make_user)("dave", people.force_a, Role.OFFICER)
    scene = await sync_to_async(make_scene)(people)
    cookie = await sync_to_async(staff_cookie)(officer)
    assert await close_code_of_new_socket(scene.session.pk, cookie) == CLOSE_FORBIDDEN
    invitation = await sync_to_async(guests.invite_officer)(scene.session, officer=officer, by=people.alice)
    dave, hello = await connected(scene.session.pk, cookie)
    assert hello["may_observe"] is False
    assert (await send_and_receive(dave, {"type": "join"}))["type"] == "joined"
    await sync_to_async(guests.remove)(invitation, by=people.alice)
    frames, code = await close_code(dave)
    assert {"type": "closed", "reason": "removed"} in frames and code == CLOSE_FORBIDDEN


@pytest.mark.django_db
def test_removing_twice_records_it_once(people, django_capture_on_commit_callbacks):
    session, _, _ = session_with_link(people.alice)
    invitation, _ = invite_interpreter(session, people.alice)
    assert guests.remove(invitation, by=people.alice) is True
    assert guests.remove(invitation, by=people.alice) is False
    assert session.events.filter(kind=EventKind.GUEST_REMOVED).count() == 1


@pytest.mark.django_db
def test_nothing_guest_related_reaches_a_victim_page(people):
    session, _, token = session_with_link(people.alice)
    assert Client().get(f"/g/{token}").status_code == 404  # a caller's token is no guest link
    _, path = invite_interpreter(session, people.alice)
    assert Client().get(path.replace("/g/", "/j/")).status_code == 404  # nor a guest's a caller's
    assert guest_device(path)
