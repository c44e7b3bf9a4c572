"""What bad input looks like: the shared Hypothesis strategies of the fuzz tests.

Bias towards the inputs that break real code: NUL bytes (PostgreSQL refuses them in
text), lone surrogates (UTF-8 cannot encode them), very long strings (column
lengths), digits from other scripts (int() accepts them), line breaks, markup, and
values of the wrong JSON type where a known field is expected.
"""

import json

from hypothesis import strategies as st

NASTY_STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "\r\nSet-Cookie: x=1",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}",
    "%(name)s",
    "' OR 1=1 --",
    "٣٤٥",  # Arabic-Indic digits: int() reads them
    "１２３",  # fullwidth digits
    "𝟙𝟚𝟛",  # mathematical digits
    "+447700900123",
    "07700 900123",
    "STOP",
    " start ",
    "\u202e",  # right-to-left override
    "\ufeff",
    "😀" * 50,
    "x" * 5000,
    "9" * 5000,
    "-1",
    "1e309",
    "NaN",
    "2026-02-30T25:61",
    "0000-00-00T00:00",
    "9999-12-31T23:59",
    "null",
    "[]",
    "{}",
]

# Text a browser or Twilio could send: anything UTF-8 can encode (no lone surrogates), NUL included.
http_text = st.one_of(
    st.sampled_from(NASTY_STRINGS),
    st.text(st.characters(codec="utf-8"), max_size=60),
    st.text(st.characters(codec="utf-8"), min_size=200, max_size=3000),
)

# Text straight into the consumer, which sees str before any encoding: lone surrogates too.
any_text = st.one_of(
    http_text,
    st.text(st.characters(categories=["Cs"]), min_size=1, max_size=4),
    st.text(max_size=40).map(lambda s: s + "\ud800"),
)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**300, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    any_text,
)

json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(any_text, children, max_size=5),
    max_leaves=20,
)


def uuid_like():
    return st.one_of(st.uuids().map(str), st.uuids().map(lambda u: u.hex.upper()), any_text)


# Types the protocol knows, names the browser code used in the past, and names of the consumer's own handlers.
FRAME_TYPES = [
    "join",
    "signal",
    "chat",
    "media",
    "leave",
    "ping",
    "offer",
    "answer",
    "ice",
    "hello",
    "signal_relay",
    "chat_message",
    "session_closed",
    "peer_joined",
    "receive",
    "__class__",
]

known_frames = st.fixed_dictionaries(
    {"type": st.sampled_from(FRAME_TYPES) | json_values},
    optional={
        "to": uuid_like() | json_values,
        "text": any_text | json_values,
        "media": st.sampled_from(["video", "audio", "none"]) | json_values,
        "state": st.sampled_from(["connected", "failed"]) | json_values,
        "description": st.fixed_dictionaries(
            {"type": st.sampled_from(["offer", "answer", "rollback", "pranswer"]) | json_values},
            optional={"sdp": any_text | json_values},
        )
        | json_values,
        "candidate": st.fixed_dictionaries(
            {},
            optional={
                "candidate": any_text | json_values,
                "sdpMid": any_text | json_values,
                "sdpMLineIndex": st.integers(-5, 70) | json_values,
                "usernameFragment": any_text | json_values,
            },
        )
        | json_values,
        "from": json_values,
        "peer": json_values,
    },
)


def _dumps(value) -> str:
    # ensure_ascii spells a lone surrogate as "\ud800", as a browser's JSON.stringify would.
    return json.dumps(value)


# One frame as the ASGI message carries it: ("text", str) or ("bytes", bytes).
_known_text = known_frames.map(_dumps).map(lambda t: ("text", t))
# Mostly frames that look right, since those get past the JSON parser to the per-type checks.
signaling_frames = st.one_of(
    _known_text,
    _known_text,
    _known_text,
    json_values.map(_dumps).map(lambda t: ("text", t)),
    any_text.map(lambda t: ("text", t)),
    st.sampled_from(
        [
            "[" * 3000,
            '{"type":' * 3000,
            "9" * 5000,
            "1e999",
            "-Infinity",
            '{"type":"ping"',
            json.dumps({"type": "chat", "text": "x" * 40000}),  # over the frame limit: closed with 1009
        ]
    ).map(lambda t: ("text", t)),
    st.binary(max_size=200).map(lambda b: ("bytes", b)),
)


# Fields Twilio posts, and some it never does.
TWILIO_FIELDS = [
    "MessageSid",
    "SmsSid",
    "SmsMessageSid",
    "AccountSid",
    "From",
    "To",
    "Body",
    "NumMedia",
    "MessageStatus",
    "SmsStatus",
    "ErrorCode",
    "ErrorMessage",
    "ApiVersion",
]

field_names = st.sampled_from(TWILIO_FIELDS) | http_text.filter(lambda s: len(s) < 100)

# A posted form: each field may be repeated (a QueryDict's lists).
form_fields = st.dictionaries(field_names, st.lists(http_text, min_size=1, max_size=3), max_size=8)

# A request body nobody meant to be a form.
junk_bodies = st.one_of(
    st.binary(max_size=500),
    st.sampled_from(
        [
            b"%",
            b"%zz=1",
            b"a=%ff%fe%00",
            b"&&&==&=",
            b"MessageSid=" + b"S" * 10000,
            b"Body=%ED%A0%80",  # an encoded lone surrogate
            "From=+447700900123&Body=caf\u00e9".encode("latin-1"),
        ]
    ),
)
