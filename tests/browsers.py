"""Headless Chromium for end-to-end tests, with a fake camera and microphone.

In CI (CI=true) a missing browser fails the test instead of skipping it.
"""

import os
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import SyncToAsync
from channels.layers import channel_layers
from channels.testing import ChannelsLiveServerTestCase
from django.db import connections
from django.test import override_settings

from tests.sockets import close_every_connection

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    # A machine whose only interface is loopback gathers no ICE candidates without this.
    "--allow-loopback-in-peer-connection",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
]


def require_chromium() -> str:
    if os.path.exists(CHROMIUM) or shutil.which(CHROMIUM):
        return CHROMIUM
    message = f"Chromium not found at {CHROMIUM}; install Debian's chromium package."
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def launch(playwright):
    return playwright.chromium.launch(executable_path=require_chromium(), args=CHROMIUM_ARGS, headless=True)


class BrowserTestCase(ChannelsLiveServerTestCase):
    """A live Daphne for real browsers, started in a forked child process.

    The child inherits this process's objects but not its threads. After an earlier
    socket test, asgiref's one-thread executor (which runs every ORM call of every
    consumer) looks busy with a thread that does not exist in the child, so every
    WebSocket handshake there would hang for ever. A channel layer made by an earlier
    test (Redis connections bound to its event loop) or an open database connection
    would likewise be shared across the fork. So the child starts with none of them.
    """

    serve_static = True

    @classmethod
    def setUpClass(cls):
        # SQLite's rule: no connection may be open across a fork, in any thread.
        close_every_connection()
        SyncToAsync.single_thread_executor.shutdown(wait=False)
        SyncToAsync.single_thread_executor = ThreadPoolExecutor(max_workers=1)
        channel_layers.backends = {}
        connections.close_all()
        # Each live server counts link redemptions afresh. With REDIS_URL the cache is one
        # Redis shared by the whole run, and the browser tests together open more than
        # JOIN_REDEMPTION_LIMIT links from 127.0.0.1 within its window: later callers got 429.
        own_cache = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": cls.__qualname__}
        cls._own_cache = override_settings(CACHES={"default": own_cache})
        cls._own_cache.enable()
        try:
            super().setUpClass()
        except Exception:
            cls._own_cache.disable()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls._own_cache.disable()
