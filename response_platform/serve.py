"""Run Daphne with an access log that keeps no personal data.

Daphne's own access log writes every request line with the client's address,
so the join token in /j/<token> and a victim's IP address would land in the
logs. This entry point takes the same arguments as `daphne`, but the access
log redacts tokens and leaves out client addresses, and the garbage collector is
tuned for a process that holds many sockets (GC_YOUNG_THRESHOLD).

    python -m response_platform.serve -b 0.0.0.0 -p 8000 response_platform.asgi:application
"""

import gc
import re
import sys

from daphne import cli
from daphne.access import AccessLogGenerator
from daphne.server import Server

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


# Objects allocated, less those freed, between two collections of the youngest generation
# (Python's default is 700). A node holding 1,000 sockets keeps about a million objects
# alive, and at the default so many short-lived ones (frames in flight, ORM rows of a
# recheck) were caught alive and promoted that a full collection ran every few seconds
# and stopped every socket for about 280 ms: the relay's p99 was 322-595 ms. At 50,000
# full collections became rare and p99 fell to 31 ms, while saturation throughput
# doubled (bench/signaling_load, docs/scaling.md). Reference cycles are still collected.
GC_YOUNG_THRESHOLD = 50_000


def tune_garbage_collector() -> None:
    """Once the application is loaded: its modules and settings (about 110,000 objects) live as
    long as the process, so they are moved out of every later collection's way."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, older, oldest)


class TunedServer(Server):
    """Daphne's server, started after the application is imported (CommandLineInterface does that)."""

    def run(self):
        tune_garbage_collector()
        super().run()


def main() -> None:
    cli.AccessLogGenerator = RedactingAccessLog
    interface = cli.CommandLineInterface()
    interface.server_class = TunedServer
    interface.run(with_frame_limit(sys.argv[1:]))


if __name__ == "__main__":
    main()
