"""Silent contact over the signaling socket: quick yes/no questions in the caller's language."""

import pytest
from asgiref.sync import sync_to_async

from response_platform.cases.models import Case
from tests.sockets import connected, make_scene, next_frame, send_and_receive
from video.models import ChatMessage

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene(people):
    scene = make_scene(people)
    Case.objects.filter(pk=scene.session.case_id).update(preferred_language="cy")
    return scene


async def in_call(scene):
    victim, _ = await connected(scene.session.pk, scene.victim)
    staff, _ = await connected(scene.session.pk, scene.staff)
    return victim, staff


async def test_a_quick_question_reaches_the_caller_in_their_language_with_the_english_for_the_specialist(scene):
    victim, staff = await in_call(scene)
    await staff.send_json_to({"type": "question", "id": "safe_to_talk"})
    asked = await next_frame(victim)
    assert asked["type"] == "chat" and asked["role"] == "staff" and asked["question"] is True
    assert asked["text"] == "Ydych chi'n ddiogel i siarad?"
    seen = await next_frame(staff)
    assert seen["english"] == "Are you safe to talk?" and seen["id"] == asked["id"]
    stored = await ChatMessage.objects.aget(pk=asked["id"])
    assert stored.text == "Ydych chi'n ddiogel i siarad?"
    await victim.disconnect()
    await staff.disconnect()


async def test_the_callers_yes_is_stored_in_their_language_and_shown_to_the_specialist_in_english(scene):
    victim, staff = await in_call(scene)
    await staff.send_json_to({"type": "question", "id": "police_now"})
    asked = await next_frame(victim)
    await next_frame(staff)

    await victim.send_json_to({"type": "answer", "to": asked["id"], "answer": "yes"})
    answer = await next_frame(staff)
    assert answer["role"] == "victim" and answer["answer"] is True and answer["to"] == asked["id"]
    assert answer["text"] == "Ie" and answer["english"] == "Yes"
    assert (await ChatMessage.objects.aget(pk=answer["id"])).text == "Ie"
    await victim.disconnect()
    await staff.disconnect()


async def test_a_typed_question_can_be_asked_as_yes_no(scene):
    victim, staff = await in_call(scene)
    await staff.send_json_to({"type": "question", "text": "Is the door locked?"})
    asked = await next_frame(victim)
    assert asked["question"] is True and asked["text"] == "Is the door locked?"
    await victim.disconnect()
    await staff.disconnect()


async def test_a_page_that_reconnects_still_shows_which_lines_were_questions_and_answers(scene):
    victim, staff = await in_call(scene)
    await staff.send_json_to({"type": "question", "id": "person_there"})
    asked = await next_frame(victim)
    await victim.send_json_to({"type": "answer", "to": asked["id"], "answer": "no"})
    await next_frame(victim)
    await victim.disconnect()

    again, hello = await connected(scene.session.pk, scene.victim)
    question, answer = hello["chat"]
    assert question["question"] is True and question["english"] == "Is the person still there?"
    assert answer["answer"] is True and answer["text"] == "Na" and answer["english"] == "No"
    await again.disconnect()
    await staff.disconnect()


async def test_only_the_specialist_asks_and_only_the_caller_answers(scene, people):
    victim, staff = await in_call(scene)
    error = await send_and_receive(victim, {"type": "question", "id": "safe_to_talk"})
    assert error["type"] == "error" and error["code"] == "not_allowed"
    await staff.send_json_to({"type": "question", "id": "safe_to_talk"})
    asked = await next_frame(staff)
    await next_frame(victim)
    error = await send_and_receive(staff, {"type": "answer", "to": asked["id"], "answer": "yes"})
    assert error["code"] == "not_allowed"
    await victim.disconnect()
    await staff.disconnect()


async def test_an_answer_to_a_line_that_is_not_a_specialists_question_here_is_refused(scene):
    victim, staff = await in_call(scene)
    mine = await send_and_receive(victim, {"type": "chat", "text": "hello"})
    error = await send_and_receive(victim, {"type": "answer", "to": mine["id"], "answer": "yes"})
    assert error["code"] == "unknown_question"
    error = await send_and_receive(victim, {"type": "answer", "to": 999999, "answer": "yes"})
    assert error["code"] == "unknown_question"
    assert await sync_to_async(ChatMessage.objects.count)() == 1
    await victim.disconnect()
    await staff.disconnect()


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "question", "id": "anything"},
        {"type": "question", "text": " "},
        {"type": "question", "text": "x" * 301},
        {"type": "answer", "to": "1", "answer": "yes"},
        {"type": "answer", "to": 1, "answer": "maybe"},
        {"type": "answer", "to": True, "answer": "no"},
    ],
)
async def test_malformed_questions_and_answers_get_an_error_frame(scene, frame):
    victim, staff = await in_call(scene)
    error = await send_and_receive(staff if frame["type"] == "question" else victim, frame)
    assert error["type"] == "error" and error["code"] == "bad_frame"
    await victim.disconnect()
    await staff.disconnect()
