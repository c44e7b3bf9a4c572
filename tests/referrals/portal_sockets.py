"""Watch sockets of the portal and the case page, opened through the full ASGI stack."""

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from response_platform.asgi import application
from tests.sockets import ORIGIN, TIMEOUT, staff_cookie


async def watch_socket(path: str, user) -> WebsocketCommunicator:
    cookie = await sync_to_async(staff_cookie)(user)
    headers = [(b"host", b"localhost:8000"), (b"origin", ORIGIN.encode()), (b"cookie", cookie.encode())]
    return WebsocketCommunicator(application, path, headers=headers)


async def watching(path: str, user) -> WebsocketCommunicator:
    communicator = await watch_socket(path, user)
    accepted, _ = await communicator.connect(timeout=TIMEOUT)
    assert accepted, f"{path} should have been accepted"
    # Refusals are accepted then closed with 4403: make sure this one stays open.
    assert await communicator.receive_nothing(timeout=0.1)
    return communicator
