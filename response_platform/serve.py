"""Run Daphne with an access log that keeps no personal data.

Daphne's own access log writes every request line with the client's address,
so the join token in /j/<token> and a victim's IP address would land in the
logs. This entry point takes the same arguments as `daphne`, but the access
log redacts tokens and leaves out client addresses.

    python -m response_platform.serve -b 0.0.0.0 -p 8000 response_platform.asgi:application
"""

import re
import sys

from daphne import cli
from daphne.access import AccessLogGenerator

# The caller's /j/<token> and a guest's /g/<token>.
JOIN_TOKEN = re.compile(r"/([jg])/[^/?\s]+")


def redact(request_line: str) -> str:
    return JOIN_TOKEN.sub(r"/\1/[token]", request_line.split("?", 1)[0])


class RedactingAccessLog(AccessLogGenerator):
    def write_entry(self, host, date, request, status=None, length=None, ident=None, user=None):
        super().write_entry("-", date, redact(request), status=status, length=length, ident=ident, user=user)


# Signaling frames are a few KB (the consumer refuses anything over 32 KB); Daphne's
# default of 1 MB would let each socket make the server buffer far more before that check.
FRAME_LIMIT = ["--websocket-max-message-size", "65536", "--websocket-max-frame-size", "65536"]


def with_frame_limit(argv: list[str]) -> list[str]:
    """Daphne's arguments, with our WebSocket size limits unless the command sets its own."""
    if any(arg.startswith("--websocket-max-") for arg in argv):
        return argv
    return FRAME_LIMIT + argv


def main() -> None:
    cli.AccessLogGenerator = RedactingAccessLog
    cli.CommandLineInterface().run(with_frame_limit(sys.argv[1:]))


if __name__ == "__main__":
    main()
