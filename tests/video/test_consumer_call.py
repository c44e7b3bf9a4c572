"""The call over the signaling socket: joining, relaying, chat, presence and the end."""

import pytest
from asgiref.sync import sync_to_async
from django.db import connection

from tests.personas import a_little_later, session_with_link
from tests.sockets import (
    both_in_the_call,
    close_code,
    connected,
    make_scene,
    next_frame,
    send_and_receive,
    silent,
    staff_cookie,
    still_usable,
)
from video import services
from video.consumers import CLOSE_SESSION_ENDED
from video.models import EventKind, SessionEvent, SessionState, VideoSession

pytestmark = pytest.mark.django_db(transaction=True)

OFFER = {"type": "offer", "sdp": "v=0\r\no=- 4611 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"}
CANDIDATE = {"candidate": "candidate:1 1 udp 2122260223 192.0.2.10 54321 typ host", "sdpMid": "0", "sdpMLineIndex": 0}


@pytest.fixture
def scene(people):
    return make_scene(people)


async def state_of(session) -> str:
    return (await VideoSession.objects.aget(pk=session.pk)).state


async def test_the_later_joiner_is_polite_and_the_earlier_one_is_told(scene):
    victim, victim_hello = await connected(scene.session.pk, scene.victim)
    staff, staff_hello = await connected(scene.session.pk, scene.staff)
    joined = await send_and_receive(victim, {"type": "join", "media": "video"})
    assert joined["type"] == "joined" and joined["peers"] == [] and joined["polite"] is True
    assert (await next_frame(staff))["type"] == "peer-joined"  # the caller joined; the specialist has not yet

    joined = await send_and_receive(staff, {"type": "join"})
    assert joined["type"] == "joined" and joined["polite"] is True
    assert [p["id"] for p in joined["peers"]] == [victim_hello["you"]]
    told = await next_frame(victim)
    assert told == {"type": "peer-joined", "peer": told["peer"], "polite": False}
    assert told["peer"]["id"] == staff_hello["you"] and told["peer"]["role"] == "staff"
    await victim.disconnect()
    await staff.disconnect()


async def test_a_signal_reaches_the_named_peer_stamped_with_its_sender(scene):
    victim, victim_hello, staff, staff_hello = await both_in_the_call(scene)

    await victim.send_json_to({"type": "signal", "to": staff_hello["you"], "description": OFFER, "from": "forged"})
    signal = await next_frame(staff)
    assert signal == {"type": "signal", "from": victim_hello["you"], "description": OFFER}

    await staff.send_json_to({"type": "signal", "to": victim_hello["you"], "candidate": CANDIDATE})
    signal = await next_frame(victim)
    assert signal == {"type": "signal", "from": staff_hello["you"], "candidate": CANDIDATE}
    await victim.disconnect()
    await staff.disconnect()


async def test_a_signal_to_a_participant_of_another_session_reaches_nobody(scene, people):
    other = await sync_to_async(session_with_link)(people.alice, reference="INC-0002", phone="+447700900456")
    elsewhere, elsewhere_hello = await connected(other[0].pk, scene.staff)
    await send_and_receive(elsewhere, {"type": "join"})
    victim, _ = await connected(scene.session.pk, scene.victim)
    await send_and_receive(victim, {"type": "join"})

    error = await send_and_receive(victim, {"type": "signal", "to": elsewhere_hello["you"], "description": OFFER})
    assert error["type"] == "error" and error["code"] == "unknown_peer"
    assert await silent(elsewhere)
    await victim.disconnect()
    await elsewhere.disconnect()


async def test_chat_works_before_anyone_joins_and_reaches_both(scene):
    victim, _ = await connected(scene.session.pk, scene.victim)
    staff, _ = await connected(scene.session.pk, scene.staff)
    await victim.send_json_to({"type": "chat", "text": "  I can't talk, he is in the next room  "})
    for communicator in (victim, staff):
        message = await next_frame(communicator)
        assert message["type"] == "chat" and message["role"] == "victim"
        assert message["text"] == "I can't talk, he is in the next room"
    await victim.disconnect()
    await staff.disconnect()


async def test_chat_is_stored_encrypted(scene):
    victim, _ = await connected(scene.session.pk, scene.victim)
    await send_and_receive(victim, {"type": "chat", "text": "The back door is unlocked"})

    def stored_text() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT text FROM video_chatmessage")
            return [row[0] for row in cursor.fetchall()]

    stored = await sync_to_async(stored_text)()
    assert len(stored) == 1
    assert "back door" not in stored[0] and stored[0] != "The back door is unlocked"
    await victim.disconnect()


async def test_chat_history_comes_back_in_hello_after_a_reconnect(scene):
    victim, _ = await connected(scene.session.pk, scene.victim)
    staff, _ = await connected(scene.session.pk, scene.staff)
    await send_and_receive(victim, {"type": "chat", "text": "Are you there?"})
    await next_frame(staff)
    await send_and_receive(staff, {"type": "chat", "text": "Yes, I am here."})
    await victim.disconnect()

    victim, hello = await connected(scene.session.pk, scene.victim)
    assert [(m["role"], m["text"]) for m in hello["chat"]] == [
        ("victim", "Are you there?"),
        ("staff", "Yes, I am here."),
    ]
    await victim.disconnect()
    await staff.disconnect()


async def test_presence_moves_the_session_state_and_records_who_left(scene):
    staff, _ = await connected(scene.session.pk, scene.staff)
    victim, victim_hello = await connected(scene.session.pk, scene.victim)
    await send_and_receive(victim, {"type": "join"})
    assert await state_of(scene.session) == SessionState.VICTIM_WAITING
    await next_frame(staff)  # peer-joined
    await send_and_receive(staff, {"type": "join"})
    assert await state_of(scene.session) == SessionState.IN_CALL

    await victim.disconnect()
    left = await next_frame(staff)
    assert left["type"] == "peer-left" and left["peer"]["id"] == victim_hello["you"]
    kinds = [e.kind async for e in SessionEvent.objects.filter(session=scene.session, kind=EventKind.LEFT)]
    assert kinds == [EventKind.LEFT]

    # The same phone comes back on a new socket and can join again.
    victim, again = await connected(scene.session.pk, scene.victim)
    assert again["you"] != victim_hello["you"]
    assert [p["role"] for p in again["peers"]] == ["staff"]
    joined = await send_and_receive(victim, {"type": "join"})
    assert [p["role"] for p in joined["peers"]] == ["staff"]
    back = await next_frame(staff)
    assert back["type"] == "peer-joined" and back["peer"]["id"] == again["you"]
    await victim.disconnect()
    await staff.disconnect()


async def test_joining_twice_is_announced_and_recorded_once(scene):
    staff, _ = await connected(scene.session.pk, scene.staff)
    victim, _ = await connected(scene.session.pk, scene.victim)
    await send_and_receive(victim, {"type": "join"})
    assert (await send_and_receive(victim, {"type": "join"}))["type"] == "joined"
    assert (await next_frame(staff))["type"] == "peer-joined"
    assert await silent(staff)
    assert await SessionEvent.objects.filter(session=scene.session, kind=EventKind.JOINED).acount() == 1
    await victim.disconnect()
    await staff.disconnect()


async def test_a_caller_who_refused_video_can_chat_but_not_join(people):
    scene = await sync_to_async(make_scene)(people, video=False)
    victim, _ = await connected(scene.session.pk, scene.victim)
    refused = await send_and_receive(victim, {"type": "join"})
    assert refused["type"] == "error" and refused["code"] == "no_consent"
    assert (await send_and_receive(victim, {"type": "chat", "text": "Text only please"}))["type"] == "chat"
    assert await state_of(scene.session) == SessionState.LINK_SENT
    await victim.disconnect()


async def test_ending_the_session_closes_every_socket(scene, people):
    staff, _ = await connected(scene.session.pk, scene.staff)
    victim, _ = await connected(scene.session.pk, scene.victim)
    await sync_to_async(services.end_session)(scene.session, by=people.alice)
    for communicator in (victim, staff):
        frames, code = await close_code(communicator)
        assert frames == [{"type": "closed", "reason": "ended"}]
        assert code == CLOSE_SESSION_ENDED
        await communicator.disconnect()


@pytest.mark.parametrize(
    "replace_link",
    [services.revoke_links, services.send_join_link],
    ids=["revoking the link", "resending the link"],
)
async def test_a_dead_link_closes_the_callers_socket_but_not_the_specialists(scene, people, replace_link):
    staff, _ = await connected(scene.session.pk, scene.staff)
    victim, _ = await connected(scene.session.pk, scene.victim)
    await sync_to_async(a_little_later)(scene.session)
    await sync_to_async(replace_link)(scene.session, by=people.alice)
    frames, code = await close_code(victim)
    assert frames == [{"type": "closed", "reason": "revoked"}]
    assert code == CLOSE_SESSION_ENDED
    await victim.disconnect()
    assert await still_usable(staff)
    await staff.disconnect()


async def test_a_second_specialist_sees_the_first_in_the_call(scene, people):
    bob = await sync_to_async(staff_cookie)(people.bob)
    alice, alice_hello = await connected(scene.session.pk, scene.staff)
    await send_and_receive(alice, {"type": "join"})
    bob_socket, bob_hello = await connected(scene.session.pk, bob)
    assert [p["id"] for p in bob_hello["peers"]] == [alice_hello["you"]]
    await alice.disconnect()
    await bob_socket.disconnect()
