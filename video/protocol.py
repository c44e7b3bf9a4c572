"""The signaling protocol: every frame a client sends is checked here before use."""

import json
import uuid
from collections.abc import Callable

from video.quick_questions import ANSWERS, QUESTIONS

MAX_FRAME_BYTES = 32 * 1024  # an SDP offer with audio and video is about 6 KB
MAX_CHAT_CHARS = 2000
MAX_SDP_CHARS = 30000
MAX_CANDIDATE_CHARS = 1000
MAX_SHORT_CHARS = 64  # sdpMid, usernameFragment
MEDIA_MODES = {"video", "audio", "none"}
DESCRIPTION_TYPES = {"offer", "answer", "rollback", "pranswer"}
MEDIA_STATES = {"connected", "failed"}
# "observe": listen in, receiving only (staff); "participate": the usual two-way call.
JOIN_MODES = {"observe", "participate"}
MAX_COACH_CHARS = 1000
# The call's rungs on a poor connection, best first; "chosen" is the caller's own pick.
CALL_MODES = {"video", "low", "audio", "text"}
MODE_REASONS = {"auto", "chosen"}
MAX_QUESTION_CHARS = 300


class ProtocolError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def parse(text: str | None) -> dict:
    """The frame as a clean dict holding only known keys, or ProtocolError."""
    if text is None:
        raise ProtocolError("binary_not_supported", "Send JSON text frames.")
    # "surrogatepass": counting bytes must never be the thing that fails.
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES:
        raise ProtocolError("too_large", f"Frames are limited to {MAX_FRAME_BYTES} bytes.")
    try:
        frame = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: deeply nested arrays
        raise ProtocolError("bad_json", "The frame is not valid JSON.") from None
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise ProtocolError("bad_frame", "A frame is a JSON object with a string 'type'.")
    validator = VALIDATORS.get(frame["type"])
    if validator is None:
        raise ProtocolError("unknown_type", "Unknown frame type.")
    return validator(frame)


def _is_text(value, limit: int) -> bool:
    """A string of at most `limit` characters that can be stored and relayed.

    JSON may spell a lone surrogate ("\\ud800"); it cannot be encoded as UTF-8,
    so encryption at rest and the Redis channel layer would fail on it later."""
    if not isinstance(value, str) or len(value) > limit:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _one_of(value, choices: set[str]) -> bool:
    # isinstance first: a list or object is unhashable, and "in" on a set would raise TypeError.
    return isinstance(value, str) and value in choices


def _join(frame: dict) -> dict:
    media = frame.get("media", "video")
    if not _one_of(media, MEDIA_MODES):
        raise ProtocolError("bad_frame", "media must be video, audio or none.")
    mode = frame.get("mode", "participate")
    if not _one_of(mode, JOIN_MODES):
        raise ProtocolError("bad_frame", "mode must be observe or participate.")
    clean = {"type": "join", "media": media}
    if mode == "observe":
        clean["mode"] = mode
    # A page whose socket dropped names its old participant, so peers keep their connection to it.
    if frame.get("previous") is not None:
        clean["previous"] = _uuid(frame["previous"], "'previous' must name this page's earlier participant.")
    return clean


def _uuid(value, message: str) -> str:
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value))
        except ValueError:
            pass
    raise ProtocolError("bad_frame", message)


def _signal(frame: dict) -> dict:
    to = frame.get("to")
    try:
        to = str(uuid.UUID(to)) if isinstance(to, str) else None
    except ValueError:
        to = None
    if to is None:
        raise ProtocolError("bad_frame", "'to' must name a peer.")
    if "description" in frame:
        return {"type": "signal", "to": to, "description": _description(frame["description"])}
    if "candidate" in frame:
        return {"type": "signal", "to": to, "candidate": _candidate(frame["candidate"])}
    raise ProtocolError("bad_frame", "A signal carries a description or a candidate.")


def _description(value) -> dict:
    if not isinstance(value, dict) or not _one_of(value.get("type"), DESCRIPTION_TYPES):
        raise ProtocolError("bad_frame", "Bad session description.")
    sdp = value.get("sdp", "")
    if not _is_text(sdp, MAX_SDP_CHARS):
        raise ProtocolError("bad_frame", "Bad session description.")
    return {"type": value["type"], "sdp": sdp}


def _candidate(value) -> dict | None:
    if value is None:  # end of candidates
        return None
    if not isinstance(value, dict):
        raise ProtocolError("bad_frame", "Bad ICE candidate.")
    candidate = value.get("candidate", "")
    mid = value.get("sdpMid")
    index = value.get("sdpMLineIndex")
    # RTCIceCandidate.toJSON() includes it; browsers use it to drop candidates of an old ICE generation.
    fragment = value.get("usernameFragment")
    if (
        not _is_text(candidate, MAX_CANDIDATE_CHARS)
        or not (mid is None or _is_text(mid, MAX_SHORT_CHARS))
        or not (index is None or (isinstance(index, int) and not isinstance(index, bool) and 0 <= index < 64))
        or not (fragment is None or _is_text(fragment, MAX_SHORT_CHARS))
    ):
        raise ProtocolError("bad_frame", "Bad ICE candidate.")
    clean = {"candidate": candidate, "sdpMid": mid, "sdpMLineIndex": index}
    if fragment is not None:
        clean["usernameFragment"] = fragment
    return clean


def _chat(frame: dict) -> dict:
    text = frame.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ProtocolError("bad_frame", "A chat message needs text.")
    if not _is_text(text, MAX_CHAT_CHARS):
        raise ProtocolError("bad_frame", f"Chat messages are limited to {MAX_CHAT_CHARS} characters.")
    return {"type": "chat", "text": text.strip()}


def _media(frame: dict) -> dict:
    if not _one_of(frame.get("state"), MEDIA_STATES):
        raise ProtocolError("bad_frame", "Unknown media state.")
    return {"type": "media", "state": frame["state"]}


def _mode(frame: dict) -> dict:
    if not _one_of(frame.get("mode"), CALL_MODES) or not _one_of(frame.get("reason", "auto"), MODE_REASONS):
        raise ProtocolError("bad_frame", "mode must be video, low, audio or text; reason auto or chosen.")
    return {"type": "mode", "mode": frame["mode"], "reason": frame.get("reason", "auto")}


def _question(frame: dict) -> dict:
    """A fixed question by id, or the specialist's own words to be answered yes or no."""
    if "id" in frame:
        if not _one_of(frame["id"], set(QUESTIONS)):
            raise ProtocolError("bad_frame", "Unknown question.")
        return {"type": "question", "id": frame["id"]}
    text = frame.get("text")
    if not isinstance(text, str) or not text.strip() or not _is_text(text, MAX_QUESTION_CHARS):
        raise ProtocolError("bad_frame", f"A question needs an id or up to {MAX_QUESTION_CHARS} characters of text.")
    return {"type": "question", "text": text.strip()}


def _answer(frame: dict) -> dict:
    to = frame.get("to")
    if not isinstance(to, int) or isinstance(to, bool) or to < 1 or not _one_of(frame.get("answer"), set(ANSWERS)):
        raise ProtocolError("bad_frame", "An answer names the question ('to') and is yes or no.")
    return {"type": "answer", "to": to, "answer": frame["answer"]}


def _coach(frame: dict) -> dict:
    text = frame.get("text")
    if not isinstance(text, str) or not text.strip() or not _is_text(text, MAX_COACH_CHARS):
        raise ProtocolError("bad_frame", f"A coaching note needs text, at most {MAX_COACH_CHARS} characters.")
    return {"type": "coach", "text": text.strip()}


def sends_media(sdp: str) -> bool:
    """Whether a session description offers to send audio or video: an m-section with a track
    (a=msid or a=ssrc) whose direction is sendrecv or sendonly (sendrecv when none is given,
    at the section's or the session's level). A listener's page must never do that."""
    session_part, *sections = sdp.split("\nm=")
    default = _direction(session_part.splitlines(), "sendrecv")
    for section in sections:
        lines = [line.strip() for line in section.splitlines()]
        if not lines or lines[0].split(" ", 1)[0] not in ("audio", "video"):
            continue
        has_track = any(line.startswith(("a=msid:", "a=ssrc:")) for line in lines)
        if has_track and _direction(lines, default) in ("sendrecv", "sendonly"):
            return True
    return False


def _direction(lines: list[str], default: str) -> str:
    for line in lines:
        if line.strip() in ("a=sendrecv", "a=sendonly", "a=recvonly", "a=inactive"):
            return line.strip()[2:]
    return default


def _bare(frame: dict) -> dict:
    return {"type": frame["type"]}


VALIDATORS: dict[str, Callable[[dict], dict]] = {
    "join": _join,
    "signal": _signal,
    "chat": _chat,
    "media": _media,
    "leave": _bare,
    "ping": _bare,
    "step_in": _bare,
    "coach": _coach,
    "mode": _mode,
    "question": _question,
    "answer": _answer,
}


class TokenBucket:
    """Per-connection rate limit: Daphne has no backpressure, so a flooding
    client would otherwise queue frames without bound."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float]):
        self.rate = rate
        self.capacity = burst
        self.tokens = float(burst)
        self.clock = clock
        self.updated = clock()

    def take(self) -> bool:
        now = self.clock()
        # max(): a clock that steps backwards must not drain the bucket below zero.
        self.tokens = min(self.capacity, self.tokens + max(0.0, now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False
