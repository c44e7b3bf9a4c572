"""A real HTTP server on 127.0.0.1 standing in for a support service's webhook receiver.

It records every request (headers and raw body) and answers from a script: each
request takes the next (status, delay) step; the last step repeats.
"""

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


class WebhookReceiver:
    def __init__(self, *steps: int | tuple[int, float]):
        self.steps = [step if isinstance(step, tuple) else (step, 0.0) for step in steps]
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        # A handler still sleeping past the client's timeout must not hold up the test's end.
        self._server.block_on_close = False

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/hooks/referrals"

    def __enter__(self) -> "WebhookReceiver":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next_step(self, received: Received) -> tuple[int, float]:
        with self._lock:
            self.received.append(received)
            return self.steps[min(len(self.received), len(self.steps)) - 1]

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, delay = receiver._next_step(Received(dict(self.headers.items()), body))
                time.sleep(delay)
                try:
                    self.send_response(status)
                    if 300 <= status < 400:
                        self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender gave up waiting and hung up

            def log_message(self, format, *args):
                pass

        return Handler
