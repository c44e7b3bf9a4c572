"""An open case page hears at once that the caller texted back."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from response_platform.asgi import application
from tests.personas import open_case
from tests.sms.webhooks import send_reply
from tests.sockets import ORIGIN, TIMEOUT, staff_cookie

pytestmark = pytest.mark.django_db(transaction=True)


async def watching(case, user) -> WebsocketCommunicator:
    cookie = await sync_to_async(staff_cookie)(user)
    headers = [(b"host", b"localhost:8000"), (b"origin", ORIGIN.encode()), (b"cookie", cookie.encode())]
    communicator = WebsocketCommunicator(application, f"/ws/cases/{case.pk}/", headers=headers)
    accepted, _ = await communicator.connect(timeout=TIMEOUT)
    assert accepted
    return communicator


async def test_the_case_page_is_told_to_reload_replies_when_the_caller_texts(people):
    case = await sync_to_async(open_case)(people.alice)
    page = await watching(case, people.alice)

    response = await sync_to_async(send_reply)("Can you call after 3?")

    assert response.status_code == 200
    assert await page.receive_json_from(timeout=TIMEOUT) == {"type": "changed", "panel": "replies"}
    await page.disconnect()


async def test_another_forces_case_page_hears_a_stop_for_its_number_too(people):
    theirs = await sync_to_async(open_case)(people.olivia, reference="B-1")
    await sync_to_async(open_case)(people.alice, reference="A-1")
    page = await watching(theirs, people.olivia)

    await sync_to_async(send_reply)("STOP")

    assert await page.receive_json_from(timeout=TIMEOUT) == {"type": "changed", "panel": "replies"}
    await page.disconnect()


async def test_a_reply_to_another_case_does_not_disturb_this_page(people):
    case = await sync_to_async(open_case)(people.alice)
    page = await watching(case, people.alice)

    await sync_to_async(send_reply)("Who is this?", sender="+447700900999")

    assert await page.receive_nothing(timeout=0.2)
    await page.disconnect()
