"""The consumer remembers its peers' channels between signals, and never past a join or a leave."""

import pytest

from tests.sockets import both_in_the_call, connected, make_scene, next_frame, send_and_receive

pytestmark = pytest.mark.django_db(transaction=True)

CANDIDATE = {"candidate": "candidate:1 1 udp 2122260223 192.0.2.10 54321 typ host", "sdpMid": "0", "sdpMLineIndex": 0}


@pytest.fixture
def scene(people):
    return make_scene(people)


async def in_the_call(scene):
    victim, victim_hello, staff, staff_hello = await both_in_the_call(scene)
    return victim, victim_hello["you"], staff, staff_hello["you"]


async def test_a_peer_that_left_the_call_is_no_longer_reachable_though_it_was_signalled_before(scene):
    victim, victim_id, staff, staff_id = await in_the_call(scene)
    await victim.send_json_to({"type": "signal", "to": staff_id, "candidate": CANDIDATE})
    assert (await next_frame(staff))["from"] == victim_id

    await staff.send_json_to({"type": "leave"})
    assert (await next_frame(victim))["type"] == "peer-left"
    error = await send_and_receive(victim, {"type": "signal", "to": staff_id, "candidate": CANDIDATE})
    assert error["type"] == "error" and error["code"] == "unknown_peer"
    await victim.disconnect()
    await staff.disconnect()


async def test_signals_reach_the_specialists_new_socket_after_a_reconnect(scene):
    victim, victim_id, staff, staff_id = await in_the_call(scene)
    await victim.send_json_to({"type": "signal", "to": staff_id, "candidate": CANDIDATE})
    await next_frame(staff)

    await staff.disconnect()
    assert (await next_frame(victim))["type"] == "peer-left"
    staff, hello = await connected(scene.session.pk, scene.staff)
    await send_and_receive(staff, {"type": "join"})
    assert (await next_frame(victim))["type"] == "peer-joined"

    error = await send_and_receive(victim, {"type": "signal", "to": staff_id, "candidate": CANDIDATE})
    assert error["code"] == "unknown_peer"  # the old socket
    await victim.send_json_to({"type": "signal", "to": hello["you"], "candidate": CANDIDATE})
    signal = await next_frame(staff)
    assert signal == {"type": "signal", "from": victim_id, "candidate": CANDIDATE}
    await victim.disconnect()
    await staff.disconnect()
