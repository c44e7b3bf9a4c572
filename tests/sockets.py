"""Open signaling sockets against the full ASGI stack, as a browser would.

Everything goes through `response_platform.asgi.application`, so the Origin
check, the cookie and session middleware and the URL router all run. The
consumer answers from another thread with its own database connection, so
tests using these helpers need `@pytest.mark.django_db(transaction=True)`.
"""

import json
import weakref
from dataclasses import dataclass

from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.test import Client

from response_platform.asgi import application
from tests.personas import session_with_link, verified_client
from video import services
from video.models import ConsentScope, VideoSession
from video.presence import DEVICE_COOKIE

ORIGIN = "http://localhost:8000"
# Generous: the consumer's database work runs in a thread, and CI machines are slow.
TIMEOUT = 5


# Every database connection opened in this process, whatever thread or asyncio task opened it.
_opened: "weakref.WeakSet[BaseDatabaseWrapper]" = weakref.WeakSet()


@receiver(connection_created)
def _remember(sender, connection: BaseDatabaseWrapper, **kwargs) -> None:
    _opened.add(connection)


def close_every_connection() -> None:
    """Close the database connections that Django's test teardown cannot see.

    Teardown closes the connections of the test's own thread and asyncio context. But
    Django keeps a connection per thread and, in async code, per task context: consumers
    tested in-process open theirs on asgiref's sync thread, and async tests open theirs in
    contexts that are gone by teardown, yet the connections live on. On SQLite that is
    not merely untidy. When any code in this process closes a file descriptor of the
    database file (a test reading the file's bytes does), POSIX drops every lock this
    process holds on it, and a long-lived connection keeps believing it holds them. The
    next process to close its last connection (a Celery worker stopping) then sees no other
    user, checkpoints and deletes the -wal and -shm files, and every later connection here
    fails with "disk I/O error". A connection inside a transaction is a test's own
    (a TestCase class's) and is left alone.
    """
    for wrapper in list(_opened):
        if wrapper.connection is None or wrapper.in_atomic_block:
            continue
        wrapper.inc_thread_sharing()  # it may belong to another thread, idle now that the test is over
        try:
            wrapper.close()
        finally:
            wrapper.dec_thread_sharing()


def staff_cookie(user, *, second_factor: bool = True) -> str:
    """The Cookie header of a staff browser, signed in with both factors or with the password only."""
    if second_factor:
        client = verified_client(user)
    else:
        client = Client()
        client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def victim_cookie(token: str, *, video: bool | None = True) -> str:
    """The Cookie header of the phone that opened the link, after its consent decision (None: not made yet)."""
    phone = Client()
    response = phone.get(f"/j/{token}")
    assert response.status_code == 302, "the join link should have been redeemed"
    secret = response.cookies[DEVICE_COOKIE].value
    if video is not None:
        link = services.link_for_device(secret)
        services.record_consent(link.session, decisions={ConsentScope.VIDEO: video}, language="en-gb")
    return f"{DEVICE_COOKIE}={secret}"


@dataclass
class Scene:
    """A session with a link the caller has opened on their phone."""

    session: VideoSession
    staff: str  # alice's Cookie header
    victim: str  # the caller's Cookie header


def make_scene(people, *, video: bool | None = True) -> Scene:
    session, _, token = session_with_link(people.alice)
    return Scene(session=session, staff=staff_cookie(people.alice), victim=victim_cookie(token, video=video))


def socket(session_id, cookie: str = "", *, origin: str | None = ORIGIN) -> WebsocketCommunicator:
    headers = [(b"host", b"localhost:8000")]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, f"/ws/sessions/{session_id}/", headers=headers)


async def connected(session_id, cookie: str) -> tuple[WebsocketCommunicator, dict]:
    """An open socket and its "hello" frame."""
    communicator = socket(session_id, cookie)
    accepted, _ = await communicator.connect(timeout=TIMEOUT)
    assert accepted, "the socket should have been accepted"
    hello = await communicator.receive_json_from(timeout=TIMEOUT)
    assert hello["type"] == "hello"
    return communicator, hello


async def refusal(communicator: WebsocketCommunicator) -> int:
    """The close code of a socket the server will not keep, whether refused before or after accepting it."""
    accepted, code = await communicator.connect(timeout=TIMEOUT)
    if accepted:
        output = await communicator.receive_output(timeout=TIMEOUT)
        assert output["type"] == "websocket.close", f"expected a close, got {output}"
        code = output.get("code")
    await communicator.disconnect(timeout=TIMEOUT)
    return code


async def next_frame(communicator: WebsocketCommunicator, *, skip=("event",)) -> dict:
    """The next frame, passing over timeline events (staff sockets get one for every step)."""
    while True:
        frame = await communicator.receive_json_from(timeout=TIMEOUT)
        if frame["type"] not in skip:
            return frame


async def close_code(communicator: WebsocketCommunicator, *, skip=("event",)) -> tuple[list[dict], int | None]:
    """Frames up to the server's close, and its code."""
    frames = []
    while True:
        output = await communicator.receive_output(timeout=TIMEOUT)
        if output["type"] == "websocket.close":
            return frames, output.get("code")
        frame = json.loads(output["text"])
        if frame["type"] not in skip:
            frames.append(frame)


async def send_and_receive(communicator: WebsocketCommunicator, frame: dict) -> dict:
    await communicator.send_json_to(frame)
    return await next_frame(communicator)


async def still_usable(communicator: WebsocketCommunicator) -> bool:
    return (await send_and_receive(communicator, {"type": "ping"}))["type"] == "pong"


async def silent(communicator: WebsocketCommunicator) -> bool:
    """Nothing but timeline events arrives for a moment."""
    while not await communicator.receive_nothing(timeout=0.2):
        frame = await communicator.receive_json_from(timeout=TIMEOUT)
        if frame["type"] != "event":
            return False
    return True


async def both_in_the_call(scene: Scene) -> tuple[WebsocketCommunicator, dict, WebsocketCommunicator, dict]:
    """The caller and the specialist connected and joined, each told of the other.

    Returns (caller's socket, its hello, specialist's socket, its hello)."""
    victim, victim_hello = await connected(scene.session.pk, scene.victim)
    staff, staff_hello = await connected(scene.session.pk, scene.staff)
    await send_and_receive(victim, {"type": "join"})
    await next_frame(staff)  # peer-joined
    await send_and_receive(staff, {"type": "join"})
    await next_frame(victim)  # peer-joined
    return victim, victim_hello, staff, staff_hello
