"""Who may open the signaling socket of a session."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from response_platform.asgi import application
from tests.personas import session_with_link
from tests.sockets import TIMEOUT, connected, make_scene, refusal, socket, staff_cookie, victim_cookie
from video import services
from video.consumers import CLOSE_FORBIDDEN
from video.models import ChatMessage, Participant

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene(people):
    return make_scene(people)


def nobody_connected() -> bool:
    return not Participant.objects.exists()


async def test_a_verified_specialist_of_the_sessions_force_is_greeted(scene, people):
    communicator, hello = await connected(scene.session.pk, scene.staff)
    assert hello["role"] == "staff"
    assert hello["peers"] == [] and hello["chat"] == []
    participant = await Participant.objects.aget(pk=hello["you"])
    assert participant.user_id == people.alice.pk and participant.session_id == scene.session.pk
    await communicator.disconnect()


async def test_the_caller_with_the_device_cookie_is_greeted(scene):
    communicator, hello = await connected(scene.session.pk, scene.victim)
    assert hello["role"] == "victim"
    await communicator.disconnect()


async def test_a_supervisor_of_the_same_force_is_greeted(scene, people):
    cookie = await sync_to_async(staff_cookie)(people.bob)
    communicator, hello = await connected(scene.session.pk, cookie)
    assert hello["role"] == "staff"
    await communicator.disconnect()


async def test_it_refuses_staff_without_the_second_factor(scene, people):
    cookie = await sync_to_async(staff_cookie)(people.alice, second_factor=False)
    assert await refusal(socket(scene.session.pk, cookie)) == CLOSE_FORBIDDEN
    assert await sync_to_async(nobody_connected)()


async def test_it_refuses_a_specialist_of_another_force(scene, people):
    cookie = await sync_to_async(staff_cookie)(people.olivia)
    assert await refusal(socket(scene.session.pk, cookie)) == CLOSE_FORBIDDEN
    assert await sync_to_async(nobody_connected)()


async def test_it_refuses_a_support_worker(scene, people):
    cookie = await sync_to_async(staff_cookie)(people.sid)
    assert await refusal(socket(scene.session.pk, cookie)) == CLOSE_FORBIDDEN
    assert await sync_to_async(nobody_connected)()


async def test_it_refuses_a_caller_cookie_for_another_session(scene, people):
    def other_callers_cookie():
        _, _, token = session_with_link(people.alice, reference="INC-0002", phone="+447700900456")
        return victim_cookie(token)

    cookie = await sync_to_async(other_callers_cookie)()
    assert await refusal(socket(scene.session.pk, cookie)) == CLOSE_FORBIDDEN
    assert await sync_to_async(nobody_connected)()


async def test_it_refuses_the_caller_before_the_consent_decision(people):
    scene = await sync_to_async(make_scene)(people, video=None)
    assert await refusal(socket(scene.session.pk, scene.victim)) == CLOSE_FORBIDDEN
    assert await sync_to_async(nobody_connected)()


async def test_it_refuses_a_forged_device_cookie(scene):
    assert await refusal(socket(scene.session.pk, "vdevice=" + "A" * 43)) == CLOSE_FORBIDDEN
    assert await refusal(socket(scene.session.pk, "vdevice=")) == CLOSE_FORBIDDEN
    assert await refusal(socket(scene.session.pk, "")) == CLOSE_FORBIDDEN
    assert await sync_to_async(nobody_connected)()


async def test_it_refuses_a_forged_session_cookie(scene):
    assert await refusal(socket(scene.session.pk, "sessionid=not-a-real-session-key")) == CLOSE_FORBIDDEN
    assert await sync_to_async(nobody_connected)()


async def test_it_refuses_another_sites_origin_even_with_good_cookies(scene):
    for origin in ("https://evil.example", "null", None):
        code = await refusal(socket(scene.session.pk, scene.staff, origin=origin))
        assert code is not None
    assert await sync_to_async(nobody_connected)()


async def test_it_refuses_everyone_once_the_session_has_ended(scene, people):
    await sync_to_async(services.end_session)(scene.session, by=people.alice)
    assert await refusal(socket(scene.session.pk, scene.staff)) == CLOSE_FORBIDDEN
    assert await refusal(socket(scene.session.pk, scene.victim)) == CLOSE_FORBIDDEN
    assert await sync_to_async(nobody_connected)()


async def test_a_path_that_names_no_session_is_refused_without_an_error(scene):
    for path in ("/ws/sessions/not-a-uuid/", "/ws/other/", "/ws/sessions/00000000-0000-0000-0000-000000000000/"):
        communicator = WebsocketCommunicator(
            application, path, headers=[(b"origin", b"http://localhost:8000"), (b"cookie", scene.staff.encode())]
        )
        accepted, code = await communicator.connect(timeout=TIMEOUT)
        if accepted:
            output = await communicator.receive_output(timeout=TIMEOUT)
            assert output["type"] == "websocket.close"
        await communicator.disconnect(timeout=TIMEOUT)
    assert await sync_to_async(nobody_connected)()


async def test_a_call_handler_may_follow_the_session_but_not_join_the_call_or_chat(scene, people):
    cookie = await sync_to_async(staff_cookie)(people.carol)
    communicator, hello = await connected(scene.session.pk, cookie)
    assert hello["role"] == "staff"
    for frame in ({"type": "join"}, {"type": "chat", "text": "Hello"}):
        await communicator.send_json_to(frame)
        answer = await communicator.receive_json_from(timeout=TIMEOUT)
        assert answer["type"] == "error" and answer["code"] == "not_allowed"
    assert not await ChatMessage.objects.filter(session=scene.session).aexists()
    assert not await Participant.objects.filter(session=scene.session, in_call=True).aexists()
    await communicator.disconnect()
