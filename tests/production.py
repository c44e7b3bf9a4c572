"""A complete DEBUG=false environment, and ways to start the project in it as a deployment would.

Settings are read once per process, so production behaviour is tested in child
processes: manage.py commands and a real daphne server.
"""

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = f"{os.environ.get('VAR_DIR', 'var/test')}/production"
# A Redis database of its own: production settings refuse to start without Redis,
# and these runs must not share a database with the suite's channel layer.
REDIS_URL = os.environ.get("PRODUCTION_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
PUBLIC_HOST = "respond.example.test"

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "production-test-key-Zq8vN3rT6yW1mK4pB7xD0sF2hJ5lC9gA",
    "FIELD_ENCRYPTION_KEYS": "cHJvZHVjdGlvbi10ZXN0LWZpZWxkLWtleS0wMTIzNDU=",
    "BLIND_INDEX_KEY": "production-test-blind-index-key",
    "ALLOWED_HOSTS": PUBLIC_HOST,
    "PUBLIC_BASE_URL": f"https://{PUBLIC_HOST}",
    "DATABASE_URL": f"sqlite:///{BASE_DIR / VAR_DIR / 'db.sqlite3'}",
    "REDIS_URL": REDIS_URL,
    "TWILIO_ACCOUNT_SID": "ACtest00000000000000000000000000",
    "TWILIO_AUTH_TOKEN": "production-test-auth-token",
    "TWILIO_FROM_NUMBER": "+447700900000",
    "TURN_URLS": "turn:turn.example.test:3478?transport=udp",
    "TURN_SECRET": "production-test-turn-secret",
}


def production_env(**changes: str | None) -> dict[str, str]:
    """PRODUCTION with changes applied (None removes a variable).

    Built from nothing rather than from os.environ, so the test run's own
    settings (pytest.ini's fake Twilio credentials, the outbox backend) cannot
    stand in for a value the deployment forgot.
    """
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "VAR_DIR": VAR_DIR, **PRODUCTION}
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(port: int, server: subprocess.Popen, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"daphne exited at start-up:\n{server.stderr.read()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("daphne did not start listening")


def image_command(port: int) -> list[str]:
    """The Dockerfile's CMD, run by this virtualenv's Python and bound to a free local port."""
    cmd = json.loads(re.search(r"^CMD (\[.*\])$", (BASE_DIR / "Dockerfile").read_text(), re.MULTILINE).group(1))
    local = {"python": sys.executable, "0.0.0.0": "127.0.0.1", "8000": str(port)}
    return [local.get(part, part) for part in cmd]


@contextmanager
def daphne(env: dict[str, str]) -> Iterator[int]:
    """Serve the project as the image's CMD does; yields the port."""
    port = free_port()
    server = subprocess.Popen(
        image_command(port),
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_listening(port, server)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()


def get(port: int, path: str, *, host: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    """One plain-HTTP request, as a load balancer's probe sends it (no redirects followed)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Host": host, **(headers or {})})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response
