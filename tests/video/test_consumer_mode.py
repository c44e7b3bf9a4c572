"""Call modes over the signaling socket: announced to the others and kept in the session record."""

import pytest

from tests.sockets import both_in_the_call, connected, make_scene, next_frame, send_and_receive
from video.models import EventKind, SessionEvent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene(people):
    return make_scene(people)


async def joined(scene):
    victim, victim_hello, staff, _ = await both_in_the_call(scene)
    return victim, staff, victim_hello["you"]


async def mode_details(session) -> list[str]:
    events = SessionEvent.objects.filter(session=session, kind=EventKind.MEDIA_MODE).order_by("pk")
    return [e.detail async for e in events]


async def test_a_step_down_reaches_the_specialist_and_lands_in_the_record(scene):
    victim, staff, victim_id = await joined(scene)
    await victim.send_json_to({"type": "mode", "mode": "audio", "reason": "auto"})
    told = await next_frame(staff)
    assert told == {"type": "mode", "from": victim_id, "role": "victim", "mode": "audio", "reason": "auto"}
    await victim.send_json_to({"type": "mode", "mode": "text", "reason": "chosen"})
    await next_frame(staff)
    assert await mode_details(scene.session) == ["Caller · sound only · poor connection", "Caller · text only · chosen"]
    await victim.disconnect()
    await staff.disconnect()


async def test_the_same_mode_announced_again_after_a_rejoin_is_recorded_once(scene):
    victim, staff, _ = await joined(scene)
    for _ in range(2):
        await victim.send_json_to({"type": "mode", "mode": "low", "reason": "auto"})
        await next_frame(staff)
    await victim.send_json_to({"type": "mode", "mode": "video", "reason": "auto"})
    await next_frame(staff)
    assert await mode_details(scene.session) == [
        "Caller · low video · poor connection",
        "Caller · video · connection recovered",
    ]
    await victim.disconnect()
    await staff.disconnect()


async def test_the_call_starting_on_video_is_not_a_change(scene):
    victim, staff, _ = await joined(scene)
    await victim.send_json_to({"type": "mode", "mode": "video", "reason": "auto"})
    await next_frame(staff)
    assert await mode_details(scene.session) == []
    await victim.disconnect()
    await staff.disconnect()


@pytest.mark.parametrize("frame", [{"mode": "hd"}, {"mode": "audio", "reason": "bored"}, {"mode": ["audio"]}])
async def test_an_unknown_mode_gets_an_error_frame(scene, frame):
    victim, staff, _ = await joined(scene)
    error = await send_and_receive(victim, {"type": "mode"} | frame)
    assert error["type"] == "error" and error["code"] == "bad_frame"
    await victim.disconnect()
    await staff.disconnect()


async def test_a_page_whose_socket_dropped_rejoins_in_place_and_the_others_keep_its_connection(scene):
    victim, staff, victim_id = await joined(scene)
    await victim.disconnect()
    left = await next_frame(staff)
    assert left["type"] == "peer-left" and left["peer"]["dropped"] is True

    again, hello = await connected(scene.session.pk, scene.victim)
    await send_and_receive(again, {"type": "join", "previous": victim_id})
    back = await next_frame(staff)
    assert back["type"] == "peer-joined" and back["peer"]["replaces"] == victim_id
    assert back["peer"]["id"] == hello["you"]
    kinds = [e.kind async for e in SessionEvent.objects.filter(session=scene.session).order_by("pk")]
    assert kinds[-1] == EventKind.RECONNECTED

    await again.send_json_to({"type": "leave"})
    left = await next_frame(staff)
    assert left["type"] == "peer-left" and left["peer"]["dropped"] is False
    await again.disconnect()
    await staff.disconnect()


async def test_a_page_cannot_take_over_a_participant_that_is_still_connected(scene, people):
    victim, staff, victim_id = await joined(scene)
    second, _ = await connected(scene.session.pk, scene.victim)
    await send_and_receive(second, {"type": "join", "previous": victim_id})
    told = await next_frame(staff)
    assert told["type"] == "peer-joined" and "replaces" not in told["peer"]
    await second.disconnect()
    await victim.disconnect()
    await staff.disconnect()
