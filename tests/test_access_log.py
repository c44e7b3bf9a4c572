"""The web server's access log must not carry join tokens or victims' addresses."""

import io

from response_platform.serve import FRAME_LIMIT, RedactingAccessLog, with_frame_limit


def test_the_access_log_hides_join_tokens_and_client_addresses():
    stream = io.StringIO()
    log = RedactingAccessLog(stream)
    log(
        "http",
        "complete",
        {
            "client": ["198.51.100.7", 50000],
            "method": "GET",
            "path": "/j/AbCdEfGhIjKlMnOpQrStUv",
            "status": 302,
            "size": 0,
        },
    )
    log(
        "http",
        "complete",
        {"client": ["198.51.100.7", 50000], "method": "GET", "path": "/v/", "status": 200, "size": 2400},
    )
    written = stream.getvalue()
    assert "AbCdEfGhIjKlMnOpQrStUv" not in written
    assert "198.51.100.7" not in written
    assert '"GET /j/[token]" 302' in written
    assert '"GET /v/" 200' in written


def test_the_server_caps_websocket_frames_unless_told_otherwise():
    assert with_frame_limit(["-p", "8000", "app"]) == FRAME_LIMIT + ["-p", "8000", "app"]
    own = ["--websocket-max-message-size", "1000", "app"]
    assert with_frame_limit(own) == own
