"""A staff sign-in ends after 30 minutes without a request and 12 hours in all; pages and sockets agree.

Time passing is played by moving the clocks stored in the session back.
"""

import asyncio
from importlib import import_module

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from response_platform.accounts.session_lifetime import SEEN_AT, SIGNED_IN_AT
from response_platform.asgi import application
from tests.personas import PASSWORD, current_code, open_case, session_with_link, verified_client
from tests.sockets import ORIGIN, TIMEOUT, close_code, connected, refusal, socket, staff_cookie
from video.consumers import CLOSE_FORBIDDEN

SIGNED_OUT = "You have been signed out. Sign in again to carry on."
MINUTE = 60


def store_of(client_or_cookie):
    key = client_or_cookie if isinstance(client_or_cookie, str) else client_or_cookie.session.session_key
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)


def turn_back(client_or_cookie, *, seen: int = 0, signed_in: int = 0) -> None:
    """Make the last request `seen` seconds, and the sign-in `signed_in` seconds, further in the past."""
    store = store_of(client_or_cookie)
    store[SEEN_AT] -= seen
    store[SIGNED_IN_AT] -= signed_in
    store.save()


def session_key(cookie: str) -> str:
    return cookie.split("=", 1)[1]


def test_a_fresh_sign_in_reaches_its_pages(people):
    assert verified_client(people.alice).get("/cases/").status_code == 200


def test_after_thirty_idle_minutes_the_next_page_is_the_sign_in_page_with_a_neutral_notice(people):
    alice = verified_client(people.alice)
    turn_back(alice, seen=30 * MINUTE + 1, signed_in=30 * MINUTE + 1)

    response = alice.get("/cases/", follow=True)

    assert response.redirect_chain[-1][0] == "/login/?next=/cases/"
    page = response.content.decode()
    assert SIGNED_OUT in page
    assert "idle" not in page.lower() and "alice" not in page
    # Signed out, not just turned away: the page after that is the sign-in page too, without the notice.
    again = alice.get("/cases/", follow=True)
    assert again.redirect_chain[-1][0] == "/login/?next=/cases/"
    assert SIGNED_OUT not in again.content.decode()


def test_a_request_within_thirty_minutes_keeps_the_sign_in_going(people):
    alice = verified_client(people.alice)
    for _ in range(3):  # an hour and a quarter of steady work
        turn_back(alice, seen=25 * MINUTE, signed_in=25 * MINUTE)
        assert alice.get("/cases/").status_code == 200


def test_after_twelve_hours_the_sign_in_ends_however_busy(people):
    alice = verified_client(people.alice)
    turn_back(alice, signed_in=12 * 60 * MINUTE + 1)

    response = alice.get("/cases/", follow=True)

    assert response.redirect_chain[-1][0] == "/login/?next=/cases/"
    assert SIGNED_OUT in response.content.decode()


def test_signing_in_again_returns_to_the_page_and_starts_fresh_clocks(people):
    alice = verified_client(people.alice)
    turn_back(alice, seen=31 * MINUTE, signed_in=13 * 60 * MINUTE)
    alice.get("/cases/")

    response = alice.post(
        "/login/?next=/cases/",
        {"username": "alice", "password": PASSWORD, "otp_token": current_code(people.alice), "next": "/cases/"},
    )

    assert response.status_code == 302 and response["Location"] == "/cases/"
    assert alice.get("/cases/").status_code == 200


def test_a_support_worker_is_signed_out_after_thirty_idle_minutes_too(people):
    sid = verified_client(people.sid)
    assert sid.get("/portal/").status_code == 200
    turn_back(sid, seen=31 * MINUTE)

    response = sid.get("/portal/")

    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_case_page_reloading_its_panels_does_not_keep_an_unattended_screen_signed_in(people):
    alice = verified_client(people.alice)
    case = open_case(people.alice)
    panel = f"/cases/{case.pk}/panels/referrals/"
    turn_back(alice, seen=20 * MINUTE)
    assert alice.get(panel, headers={"X-Requested-With": "fetch"}).status_code == 200
    turn_back(alice, seen=11 * MINUTE)

    # The panel's own fetch is told "signed out" rather than handed the sign-in page to draw inside the panel.
    assert alice.get(panel, headers={"X-Requested-With": "fetch"}).status_code == 401
    assert alice.get(f"/cases/{case.pk}/").status_code == 302


def test_the_callers_phone_has_no_staff_sign_in_to_end(people):
    _, _, token = session_with_link(people.alice)
    phone = Client()
    phone.get(f"/j/{token}")
    assert phone.get("/v/").status_code == 200


# --- sockets ------------------------------------------------------------------------


def watch_socket(path: str, cookie: str) -> WebsocketCommunicator:
    headers = [(b"host", b"localhost:8000"), (b"origin", ORIGIN.encode()), (b"cookie", cookie.encode())]
    return WebsocketCommunicator(application, path, headers=headers)


@pytest.mark.django_db(transaction=True)
async def test_a_call_socket_of_an_idle_sign_in_is_refused(people):
    session, _, _ = await sync_to_async(session_with_link)(people.alice)
    cookie = await sync_to_async(staff_cookie)(people.alice)
    await sync_to_async(turn_back)(session_key(cookie), seen=31 * MINUTE)

    assert await refusal(socket(session.pk, cookie)) == CLOSE_FORBIDDEN


@pytest.mark.django_db(transaction=True)
async def test_a_case_page_socket_of_a_sign_in_past_twelve_hours_is_refused(people):
    case = await sync_to_async(open_case)(people.alice)
    cookie = await sync_to_async(staff_cookie)(people.alice)
    await sync_to_async(turn_back)(session_key(cookie), signed_in=12 * 60 * MINUTE + 1)

    communicator = watch_socket(f"/ws/cases/{case.pk}/", cookie)
    assert await refusal(communicator) == CLOSE_FORBIDDEN


@pytest.mark.django_db(transaction=True)
async def test_an_open_call_socket_is_closed_when_the_sign_in_reaches_twelve_hours(people, settings):
    settings.SIGNALING_RECHECK_SECONDS = 0.05
    session, _, _ = await sync_to_async(session_with_link)(people.alice)
    cookie = await sync_to_async(staff_cookie)(people.alice)
    communicator, _ = await connected(session.pk, cookie)

    await sync_to_async(turn_back)(session_key(cookie), signed_in=12 * 60 * MINUTE + 1)

    _, code = await close_code(communicator)
    assert code == CLOSE_FORBIDDEN
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_an_open_call_counts_as_activity_so_a_long_call_keeps_the_sign_in(people, settings):
    settings.SIGNALING_RECHECK_SECONDS = 0.05
    session, _, _ = await sync_to_async(session_with_link)(people.alice)
    cookie = await sync_to_async(staff_cookie)(people.alice)
    key = session_key(cookie)
    communicator, _ = await connected(session.pk, cookie)
    # Twenty-nine minutes into the call, without a click.
    await sync_to_async(turn_back)(key, seen=29 * MINUTE)
    stale = (await sync_to_async(store_of(key).load)())[SEEN_AT]

    await wait_until(lambda: store_of(key).load()[SEEN_AT] > stale)  # the socket's recheck
    await communicator.disconnect()
    await sync_to_async(turn_back)(key, seen=2 * MINUTE)  # thirty-one minutes since the last click

    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    assert (await sync_to_async(client.get)("/cases/")).status_code == 200


async def wait_until(condition) -> None:
    deadline = asyncio.get_running_loop().time() + TIMEOUT
    while not await sync_to_async(condition)():
        assert asyncio.get_running_loop().time() < deadline, "never happened"
        await asyncio.sleep(0.05)
