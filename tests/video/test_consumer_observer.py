"""Listening in over the signaling socket: receive only, coaching for staff, stepping in, at most four."""

import pytest
from asgiref.sync import sync_to_async

from response_platform.accounts.models import Role
from tests.personas import make_user
from tests.sockets import connected, make_scene, next_frame, send_and_receive, silent, staff_cookie
from tests.video.invitations import invited_guest
from video.models import EventKind, SessionEvent, SessionState, VideoSession
from video.protocol import sends_media

pytestmark = pytest.mark.django_db(transaction=True)

# What Chromium offers: one audio and one video m-section. A listener's are recvonly and carry no track.
RECEIVE_ONLY = (
    "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=msid-semantic: WMS\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=recvonly\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=recvonly\r\n"
)
SENDING = (
    "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=msid-semantic: WMS s1\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=recvonly\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=sendrecv\r\na=msid:s1 t1\r\na=ssrc:1 cname:x\r\n"
)


@pytest.fixture
def scene(people):
    return make_scene(people)


async def in_call_with_the_caller(scene):
    """The caller and Alice (the specialist) in the call."""
    victim, victim_hello = await connected(scene.session.pk, scene.victim)
    await send_and_receive(victim, {"type": "join"})
    alice, alice_hello = await connected(scene.session.pk, scene.staff)
    await send_and_receive(alice, {"type": "join"})
    await next_frame(victim)  # peer-joined
    return victim, victim_hello, alice, alice_hello


async def listening_in(scene, people):
    """Bob (a supervisor) listening in; the others have been told."""
    bob, bob_hello = await connected(scene.session.pk, await sync_to_async(staff_cookie)(people.bob))
    assert bob_hello["may_observe"] is True
    joined = await send_and_receive(bob, {"type": "join", "media": "none", "mode": "observe"})
    assert joined["type"] == "joined"
    return bob, bob_hello, joined


def test_it_tells_a_description_that_sends_from_one_that_only_receives():
    assert sends_media(SENDING)
    assert not sends_media(RECEIVE_ONLY)
    # No direction given means sendrecv.
    assert sends_media(RECEIVE_ONLY.replace("a=recvonly\r\n", "a=msid:s1 t1\r\n"))
    assert sends_media(SENDING.replace("a=sendrecv", "a=sendonly"))


async def test_the_caller_is_told_a_colleague_is_listening_in(scene, people):
    victim, _, alice, _ = await in_call_with_the_caller(scene)
    bob, bob_hello, joined = await listening_in(scene, people)

    assert {p["role"] for p in joined["peers"]} == {"victim", "staff"}
    told = await next_frame(victim)
    assert told["type"] == "peer-joined" and told["peer"]["id"] == bob_hello["you"]
    assert told["peer"]["observing"] is True
    kinds = await sync_to_async(list)(SessionEvent.objects.values_list("kind", flat=True))
    assert EventKind.OBSERVER_JOINED in kinds
    for socket in (victim, alice, bob):
        await socket.disconnect()


async def test_an_observers_offer_that_sends_media_is_refused_and_not_relayed(scene, people):
    victim, victim_hello, alice, _ = await in_call_with_the_caller(scene)
    bob, _, _ = await listening_in(scene, people)
    await next_frame(victim)  # peer-joined

    offer = {"type": "offer", "sdp": SENDING}
    error = await send_and_receive(bob, {"type": "signal", "to": victim_hello["you"], "description": offer})
    assert error["type"] == "error" and error["code"] == "observer_sends"
    assert await silent(victim)

    offer = {"type": "offer", "sdp": RECEIVE_ONLY}
    await bob.send_json_to({"type": "signal", "to": victim_hello["you"], "description": offer})
    relayed = await next_frame(victim)
    assert relayed["type"] == "signal" and relayed["description"]["sdp"] == RECEIVE_ONLY
    for socket in (victim, alice, bob):
        await socket.disconnect()


async def test_an_observer_who_steps_in_may_send_and_everyone_is_told(scene, people):
    victim, victim_hello, alice, _ = await in_call_with_the_caller(scene)
    bob, bob_hello, _ = await listening_in(scene, people)
    await next_frame(victim)  # peer-joined

    assert (await send_and_receive(bob, {"type": "step_in"}))["type"] == "stepped-in"
    told = await next_frame(victim)
    assert told["type"] == "peer-stepped-in" and told["peer"]["id"] == bob_hello["you"]
    assert told["peer"]["observing"] is False
    assert (await next_frame(alice))["type"] == "peer-joined"
    assert (await next_frame(alice))["type"] == "peer-stepped-in"

    offer = {"type": "offer", "sdp": SENDING}
    await bob.send_json_to({"type": "signal", "to": victim_hello["you"], "description": offer})
    assert (await next_frame(victim))["description"]["sdp"] == SENDING
    kinds = await sync_to_async(list)(SessionEvent.objects.values_list("kind", flat=True))
    assert EventKind.STEPPED_IN in kinds
    for socket in (victim, alice, bob):
        await socket.disconnect()


async def test_a_coaching_note_reaches_staff_and_never_the_caller_or_a_guest(scene, people):
    victim, _, alice, _ = await in_call_with_the_caller(scene)
    bob, bob_hello, _ = await listening_in(scene, people)
    _, _, guest_secret = await sync_to_async(invited_guest)(scene.session, people.alice)
    guest, _ = await connected(scene.session.pk, f"vguest={guest_secret}")
    await next_frame(victim)  # peer-joined (bob)
    await next_frame(alice)  # peer-joined (bob)

    await bob.send_json_to({"type": "coach", "text": "Ask whether the children are in the house"})
    note = await next_frame(alice)
    assert note == {
        "type": "coach",
        "from": bob_hello["you"],
        "label": "Specialist",
        "text": "Ask whether the children are in the house",
    }
    assert (await next_frame(bob))["type"] == "coach"  # the sender's own page shows it too
    assert await silent(victim)
    assert await silent(guest)
    for socket in (victim, alice, bob, guest):
        await socket.disconnect()


async def test_the_caller_and_a_guest_cannot_coach_or_listen_in(scene, people):
    victim, _, alice, _ = await in_call_with_the_caller(scene)
    _, _, guest_secret = await sync_to_async(invited_guest)(scene.session, people.alice)
    guest, guest_hello = await connected(scene.session.pk, f"vguest={guest_secret}")
    assert guest_hello["may_observe"] is False

    for socket in (victim, guest):
        refused = await send_and_receive(socket, {"type": "coach", "text": "hello"})
        assert refused["type"] == "error" and refused["code"] == "not_allowed"
    refused = await send_and_receive(guest, {"type": "join", "mode": "observe"})
    assert refused["type"] == "error" and refused["code"] == "not_allowed"
    assert await silent(alice)
    for socket in (victim, alice, guest):
        await socket.disconnect()


async def test_a_call_handler_cannot_listen_in(scene, people):
    carol, hello = await connected(scene.session.pk, await sync_to_async(staff_cookie)(people.carol))
    assert hello["may_observe"] is False
    refused = await send_and_receive(carol, {"type": "join", "mode": "observe"})
    assert refused["type"] == "error" and refused["code"] == "not_allowed"
    await carol.disconnect()


async def test_a_listener_alone_with_the_caller_does_not_put_the_session_in_call(scene, people):
    victim, _ = await connected(scene.session.pk, scene.victim)
    await send_and_receive(victim, {"type": "join"})
    bob, _, _ = await listening_in(scene, people)
    state = (await VideoSession.objects.aget(pk=scene.session.pk)).state
    assert state == SessionState.VICTIM_WAITING
    await victim.disconnect()
    await bob.disconnect()


async def test_a_fifth_person_is_told_the_call_is_full(scene, people):
    victim, _, alice, _ = await in_call_with_the_caller(scene)
    bob, _, _ = await listening_in(scene, people)
    _, _, guest_secret = await sync_to_async(invited_guest)(scene.session, people.alice)
    guest, _ = await connected(scene.session.pk, f"vguest={guest_secret}")
    assert (await send_and_receive(guest, {"type": "join"}))["type"] == "joined"  # the fourth

    another = await sync_to_async(make_user)("frank", people.force_a, Role.SPECIALIST)
    frank, _ = await connected(scene.session.pk, await sync_to_async(staff_cookie)(another))
    refused = await send_and_receive(frank, {"type": "join"})
    assert refused["type"] == "error" and refused["code"] == "call_full"
    refused = await send_and_receive(frank, {"type": "join", "mode": "observe"})
    assert refused["code"] == "call_full"

    await guest.send_json_to({"type": "leave"})
    assert (await send_and_receive(frank, {"type": "join"}))["type"] == "joined"  # a place came free
    for socket in (victim, alice, bob, guest, frank):
        await socket.disconnect()


async def test_an_observer_who_leaves_and_rejoins_to_take_part_is_not_refused(scene, people):
    victim, victim_hello, alice, _ = await in_call_with_the_caller(scene)
    bob, _, _ = await listening_in(scene, people)
    await bob.send_json_to({"type": "leave"})
    assert (await send_and_receive(bob, {"type": "join"}))["type"] == "joined"
    await next_frame(victim)  # peer-joined (listening in)
    await next_frame(victim)  # peer-left
    told = await next_frame(victim)
    assert told["type"] == "peer-joined" and told["peer"]["observing"] is False
    offer = {"type": "offer", "sdp": SENDING}
    await bob.send_json_to({"type": "signal", "to": victim_hello["you"], "description": offer})
    assert (await next_frame(victim))["type"] == "signal"
    for socket in (victim, alice, bob):
        await socket.disconnect()
