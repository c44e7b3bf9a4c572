"""Disabling someone takes effect at once: every sign-in of theirs ends and every open socket of theirs closes."""

import pytest
from asgiref.sync import sync_to_async
from channels.layers import InMemoryChannelLayer
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.test import Client

from response_platform.accounts.models import Role, User
from response_platform.asgi import application
from tests.personas import make_user, open_case, session_with_link, verified_client
from tests.sockets import ORIGIN, TIMEOUT, close_code, connected, staff_cookie
from video.consumers import CLOSE_FORBIDDEN

pytestmark = pytest.mark.django_db(transaction=True)


class LayerThatLosesTheNews(InMemoryChannelLayer):
    """A channel layer that drops the "user disabled" push, as Redis may across a restart."""

    async def group_send(self, group, message):
        if message.get("type") != "user.disabled":
            await super().group_send(group, message)


def force_admin(people) -> Client:
    admin = make_user("fadmin", people.force_a, Role.FORCE_ADMIN)
    admin.is_staff = True
    admin.save()
    admin.user_permissions.set(Permission.objects.filter(content_type__app_label="accounts"))
    return verified_client(admin)


def disable_in_the_admin(admin: Client, user: User) -> None:
    """What a force administrator does: untick "Active" on the account and save."""
    response = admin.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {
            "username": user.username,
            "first_name": "",
            "last_name": "",
            "email": "",
            "date_joined_0": user.date_joined.strftime("%d/%m/%Y"),
            "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
            "force": user.force_id,
            "role": user.role,
            # "is_active" left out: the box is unticked.
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not User.objects.get(pk=user.pk).is_active


def cookie_of(client: Client) -> str:
    return f"sessionid={client.cookies['sessionid'].value}"


async def watching(path: str, cookie: str) -> WebsocketCommunicator:
    headers = [(b"host", b"localhost:8000"), (b"origin", ORIGIN.encode()), (b"cookie", cookie.encode())]
    communicator = WebsocketCommunicator(application, path, headers=headers)
    accepted, _ = await communicator.connect(timeout=TIMEOUT)
    assert accepted and await communicator.receive_nothing(timeout=0.1), f"{path} should stay open"
    return communicator


async def test_the_admin_disabling_a_specialist_closes_their_call_and_case_page_and_signs_them_out(people):
    session, _, _ = await sync_to_async(session_with_link)(people.alice)
    alice = await sync_to_async(verified_client)(people.alice)
    call, _ = await connected(session.pk, cookie_of(alice))
    case_page = await watching(f"/ws/cases/{session.case_id}/", cookie_of(alice))
    admin = await sync_to_async(force_admin)(people)

    await sync_to_async(disable_in_the_admin)(admin, people.alice)

    assert (await close_code(call))[1] == CLOSE_FORBIDDEN
    assert (await close_code(case_page, skip=()))[1] == CLOSE_FORBIDDEN
    response = await sync_to_async(alice.get)(f"/cases/{session.case_id}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    await call.disconnect()
    await case_page.disconnect()


async def test_every_sign_in_of_theirs_ends_and_nobody_elses(people):
    phone_browser = await sync_to_async(verified_client)(people.alice)
    desk_browser = await sync_to_async(verified_client)(people.alice)
    bob = await sync_to_async(verified_client)(people.bob)

    await sync_to_async(disable_in_the_admin)(await sync_to_async(force_admin)(people), people.alice)

    for browser in (phone_browser, desk_browser):
        assert (await sync_to_async(browser.get)("/cases/"))["Location"].startswith("/login/")
    assert not await sync_to_async(Session.objects.filter(session_key=phone_browser.session.session_key).exists)()
    assert (await sync_to_async(bob.get)("/cases/")).status_code == 200


async def test_disabling_a_support_worker_closes_their_portal(people):
    sid = await sync_to_async(staff_cookie)(people.sid)
    inbox = await watching("/ws/portal/", sid)

    people.sid.is_active = False
    await sync_to_async(people.sid.save)()

    assert (await close_code(inbox, skip=()))[1] == CLOSE_FORBIDDEN
    await inbox.disconnect()


async def test_moving_someone_to_another_force_ends_their_sign_ins(people):
    alice = await sync_to_async(verified_client)(people.alice)
    case = await sync_to_async(open_case)(people.alice)
    case_page = await watching(f"/ws/cases/{case.pk}/", cookie_of(alice))

    people.alice.force = people.force_b
    await sync_to_async(people.alice.save)()

    assert (await close_code(case_page, skip=()))[1] == CLOSE_FORBIDDEN
    assert (await sync_to_async(alice.get)("/cases/"))["Location"].startswith("/login/")
    await case_page.disconnect()


async def test_a_lost_push_still_closes_the_sockets_at_their_next_recheck(people, settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": f"{__name__}.LayerThatLosesTheNews"}}
    settings.SIGNALING_RECHECK_SECONDS = 0.05
    settings.WATCH_RECHECK_SECONDS = 0.05
    session, _, _ = await sync_to_async(session_with_link)(people.alice)
    alice = await sync_to_async(verified_client)(people.alice)
    call, _ = await connected(session.pk, cookie_of(alice))
    case_page = await watching(f"/ws/cases/{session.case_id}/", cookie_of(alice))

    people.alice.is_active = False
    await sync_to_async(people.alice.save)()

    assert (await close_code(call))[1] == CLOSE_FORBIDDEN
    assert (await close_code(case_page, skip=()))[1] == CLOSE_FORBIDDEN
    await call.disconnect()
    await case_page.disconnect()


async def test_saving_an_active_account_leaves_its_sign_ins_alone(people):
    alice = await sync_to_async(verified_client)(people.alice)
    people.alice.first_name = "Alice"
    await sync_to_async(people.alice.save)()
    assert (await sync_to_async(alice.get)("/cases/")).status_code == 200
