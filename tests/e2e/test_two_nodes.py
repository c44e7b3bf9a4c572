"""Past one machine: two Daphne processes sharing PostgreSQL and Redis carry one call between them.

The caller's phone talks to node 1 and the specialist's browser to node 2, as two replicas
behind a load balancer would place them. Nothing but the database and the Redis channel
layer joins the two: presence, the call's signaling, chat and the dashboard all cross.
"""

import os
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import expect, sync_playwright

from tests.browsers import launch
from tests.e2e.calls import DEVICES, PHONE, caller_enters, chat_both_ways, sign_in_at, specialist_joins
from tests.e2e.media import wait_for_frames
from tests.personas import make_personas, session_with_link
from tests.production import BASE_DIR, free_port, image_command, wait_until_listening
from tests.workers import database_url_for_workers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def require_shared_state() -> None:
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip(
            "Two nodes share state only through PostgreSQL and Redis; the embedded defaults "
            "(SQLite, an in-process channel layer) are one node. CI sets DATABASE_URL and REDIS_URL."
        )


@contextmanager
def node(name: str) -> Iterator[str]:
    """One Daphne process, as the image runs it, on this test's database and Redis; yields its URL.

    Its log is left in VAR_DIR (node-1.log, node-2.log) for whoever reads a failure.
    """
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url_for_workers(), "REDIS_URL": settings.REDIS_URL}
    # The nodes count link redemptions per address in Redis, which outlives this test (unlike the
    # in-process tests' cache); every run's phone is 127.0.0.1, so earlier runs must not add up.
    env["JOIN_REDEMPTION_LIMIT"] = "100000"
    with open(Path(settings.VAR_DIR) / f"{name}.log", "wb") as log:
        server = subprocess.Popen(image_command(port), cwd=BASE_DIR, env=env, stdout=log, stderr=log)
    try:
        wait_until_listening(port, server)
        yield f"http://localhost:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()  # a node stuck in shutdown must not outlive the test
            server.wait(timeout=15)


def test_a_call_between_a_caller_on_one_node_and_a_specialist_on_another():
    require_shared_state()
    people = make_personas()
    session, _, token = session_with_link(people.alice)
    with ExitStack() as stack:
        first, second = stack.enter_context(node("node-1")), stack.enter_context(node("node-2"))
        playwright = stack.enter_context(sync_playwright())
        browser = launch(playwright)
        stack.callback(browser.close)
        victim_page = browser.new_context(**PHONE).new_page()
        staff = browser.new_context(permissions=DEVICES)
        specialist_page = staff.new_page()

        sign_in_at(specialist_page, second, people.alice)
        expect(specialist_page.get_by_role("button", name="Sign out")).to_be_visible()  # wherever it lands
        specialist_page.goto(f"{second}/sessions/{session.pk}/")
        caller_enters(victim_page, f"{first}/j/{token}")

        # A supervisor's screen on the second node sees the caller waiting on the first.
        board = staff.new_page()
        board.goto(f"{second}/control-room/")
        expect(board.locator(f'section.group-waiting tr[data-session="{session.pk}"]')).to_be_visible()

        # The specialist on the second node sees the caller waiting too, and joins.
        specialist_joins(specialist_page)
        first_victim, first_staff = wait_for_frames(victim_page), wait_for_frames(specialist_page)
        wait_for_frames(victim_page, more_than=first_victim)
        wait_for_frames(specialist_page, more_than=first_staff)

        chat_both_ways(victim_page, specialist_page)
