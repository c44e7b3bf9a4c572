"""The production entry point tunes the serving process for many sockets (see response_platform/serve.py)."""

import json
import subprocess
import sys

from response_platform.serve import GC_YOUNG_THRESHOLD
from tests.production import BASE_DIR, free_port, get, wait_until_listening


def test_the_server_process_collects_young_objects_less_often_and_freezes_what_it_loaded():
    port = free_port()
    command = [sys.executable, "-m", "response_platform.serve", "-b", "127.0.0.1", "-p", str(port)]
    server = subprocess.Popen(
        [*command, "tests.gc_report:application"], cwd=BASE_DIR, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_until_listening(port, server)
        report = json.loads(get(port, "/", host="localhost").body)
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()
    assert report["threshold"][0] == GC_YOUNG_THRESHOLD != 700  # Python's default
    # What was loaded before serving (Daphne, Twisted, the application) is out of the collector's way.
    assert report["frozen"] > 10_000
