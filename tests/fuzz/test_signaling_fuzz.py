"""Any frame at the signaling socket: an answer or a documented close, never a crash.

Through the whole ASGI stack, one socket per test and many frames per example (a
socket per example would spend the run on handshakes). The rate limiter's clock is
moved on a second before each frame so every frame reaches the parser: limits have
their own tests in tests/video/test_consumer_input.py.
"""

import asyncio
import gc
import json
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.strategies import signaling_frames
from tests.sockets import TIMEOUT, make_scene, socket
from video.consumers import CLOSE_TOO_LARGE, SessionConsumer
from video.models import ChatMessage, Participant, SessionEvent

pytestmark = pytest.mark.django_db(transaction=True)

# Every refusal the protocol documents. "server_error" is not among them: it means a handler raised.
REFUSALS = {"bad_json", "bad_frame", "unknown_type", "binary_not_supported", "too_large", "unknown_peer", "no_consent"}
# Answers to a valid frame, for the socket's own participant.
ANSWERS = {"joined", "chat", "pong", "peer-joined", "peer-left", "signal", "event"}


class ErrorLog(logging.Handler):
    """Every ERROR (or worse) logged anywhere while the socket works."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def error_log():
    # Earlier tests' channel-layer tasks that failed (Redis restarted under them) are logged by
    # asyncio when they are garbage-collected: collect them now, so only this socket's errors count.
    gc.collect()
    handler = ErrorLog()
    logging.getLogger().addHandler(handler)
    yield handler
    logging.getLogger().removeHandler(handler)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FuzzSocket:
    """One participant's socket, reopened after a deliberate close."""

    def __init__(self, session_id, cookie: str, clock: Clock):
        self.session_id, self.cookie, self.clock = session_id, cookie, clock
        self.communicator = None
        self.opened = 0  # sockets opened, each one a Participant row

    async def open(self) -> None:
        self.communicator = socket(self.session_id, self.cookie)
        accepted, _ = await self.communicator.connect(timeout=TIMEOUT)
        assert accepted
        hello = await self.communicator.receive_json_from(timeout=TIMEOUT)
        assert hello["type"] == "hello"
        self.opened += 1

    async def close(self) -> None:
        if self.communicator is not None:
            await self.communicator.disconnect(timeout=TIMEOUT)
            self.communicator = None

    async def exchange(self, kind: str, data: str | bytes) -> tuple[list[dict], int | None]:
        """Send one frame, then a ping; the frames answering the first, and the close code if it closed."""
        self.clock.now += 1
        # send_input, not send_to: the helper refuses an empty frame, which a browser may send.
        await self.communicator.send_input({"type": "websocket.receive", kind: data})
        answers = []
        for _ in range(2):
            code = await self._until_pong(answers)
            if code is not None:
                return answers, code
        return answers, None

    async def _until_pong(self, answers: list[dict]) -> int | None:
        self.clock.now += 1
        await self.communicator.send_to(text_data=json.dumps({"type": "ping"}))
        while True:
            output = await self.communicator.receive_output(timeout=TIMEOUT)
            if output["type"] == "websocket.close":
                await self.close()
                return output.get("code")
            frame = json.loads(output["text"])
            if frame.get("type") == "pong":
                return None
            answers.append(frame)

    async def more(self) -> dict:
        """A frame still on its way (a chat line relayed through the channel layer)."""
        return json.loads(await self.communicator.receive_from(timeout=TIMEOUT))


def counts(session) -> dict[str, int]:
    return {
        "chat": ChatMessage.objects.filter(session=session).count(),
        "events": SessionEvent.objects.filter(session=session).count(),
        "participants": Participant.objects.filter(session=session).count(),
    }


def check_frames(sock: FuzzSocket, session, error_log: ErrorLog, loop) -> None:
    @given(frames=st.lists(signaling_frames, min_size=1, max_size=4))
    def frames_are_answered(frames):
        start, opened, echoed = counts(session), sock.opened, 0
        for kind, data in frames:
            if sock.communicator is None:
                loop.run_until_complete(sock.open())
            before = counts(session)
            answers, code = loop.run_until_complete(sock.exchange(kind, data))
            after = counts(session)
            assert not error_log.records, [r.getMessage() for r in error_log.records]
            errors = [a["code"] for a in answers if a.get("type") == "error"]
            assert set(errors) <= REFUSALS, f"unexpected error frame {errors}"
            assert all(a.get("type") in ANSWERS | {"error"} for a in answers), answers
            if code is not None:
                assert code == CLOSE_TOO_LARGE and errors == ["too_large"], (code, answers)
            if errors:
                assert after["chat"] == before["chat"], "a refused frame stored a chat line"
            if errors and code is None:
                # (A closed socket has left the call, and its timeline says so.)
                assert after["events"] == before["events"], "a refused frame wrote to the timeline"
            assert after["chat"] - before["chat"] <= 1, "one frame, one chat line at most"
            echoed += sum(1 for a in answers if a.get("type") == "chat")
        end = counts(session)
        # Every stored chat line comes back to the sender, and nothing else does.
        while echoed < end["chat"] - start["chat"]:
            echoed += loop.run_until_complete(sock.more()).get("type") == "chat"
        assert echoed == end["chat"] - start["chat"]
        assert end["participants"] - start["participants"] == sock.opened - opened

    frames_are_answered()


@pytest.mark.parametrize("who", ["victim", "staff"])
def test_the_signaling_socket_answers_any_frame_and_keeps_working(people, monkeypatch, error_log, who):
    scene = make_scene(people)
    clock = Clock()
    monkeypatch.setattr(SessionConsumer, "clock", staticmethod(clock))
    loop = asyncio.new_event_loop()
    sock = FuzzSocket(scene.session.pk, getattr(scene, who), clock)
    try:
        loop.run_until_complete(sock.open())
        check_frames(sock, scene.session, error_log, loop)
        # After all of it, the call still works: join and chat are answered and stored.
        answers, code = loop.run_until_complete(sock.exchange("text", json.dumps({"type": "join"})))
        assert code is None and answers[0]["type"] == "joined"
        answers, _ = loop.run_until_complete(sock.exchange("text", json.dumps({"type": "chat", "text": "still here"})))
        # The line comes back through the channel layer, which may overtake the pongs or not.
        while not any(a["type"] == "chat" for a in answers):
            answers.append(loop.run_until_complete(sock.more()))
        assert [a["text"] for a in answers if a["type"] == "chat"] == ["still here"]
    finally:
        loop.run_until_complete(sock.close())
        loop.close()
