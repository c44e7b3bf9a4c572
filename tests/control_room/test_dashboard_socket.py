"""/ws/dashboard/: the force's open dashboards hear of every change that moves a row."""

import pytest
from asgiref.sync import sync_to_async

from response_platform.sms import services as sms
from response_platform.sms.models import SmsMessage, SmsStatus
from tests.control_room.helpers import caller_joins, follow_up_due
from tests.personas import session_with_link
from tests.referrals.portal_sockets import watching
from tests.sockets import TIMEOUT
from video import services

pytestmark = pytest.mark.django_db(transaction=True)

CHANGED = {"type": "changed", "panel": "dashboard"}


async def test_a_caller_entering_the_waiting_room_reaches_the_forces_dashboards(people):
    session, _, _ = await sync_to_async(session_with_link)(people.alice)
    alices = await watching("/ws/dashboard/", people.alice)
    carols = await watching("/ws/dashboard/", people.carol)  # a call handler watches too
    olivias = await watching("/ws/dashboard/", people.olivia)  # Force B: hears nothing of Force A

    await sync_to_async(caller_joins)(session)

    assert await alices.receive_json_from(timeout=TIMEOUT) == CHANGED
    assert await carols.receive_json_from(timeout=TIMEOUT) == CHANGED
    assert await olivias.receive_nothing(timeout=0.3)
    for socket in (alices, carols, olivias):
        await socket.disconnect()


async def test_ending_a_session_reaches_the_dashboard(people):
    session, _, _ = await sync_to_async(session_with_link)(people.alice)
    dashboard = await watching("/ws/dashboard/", people.bob)

    await sync_to_async(services.end_session)(session, by=people.alice)

    assert await dashboard.receive_json_from(timeout=TIMEOUT) == CHANGED
    await dashboard.disconnect()


async def test_a_text_changing_status_reaches_the_dashboard(people):
    session, link, _ = await sync_to_async(session_with_link)(people.alice)
    # As if the provider had it but had not yet reported delivery.
    await sync_to_async(SmsMessage.objects.filter(pk=link.sms_id).update)(status=SmsStatus.SENT)
    dashboard = await watching("/ws/dashboard/", people.alice)

    assert await sync_to_async(sms.advance_status)(link.sms_id, SmsStatus.DELIVERED)

    assert await dashboard.receive_json_from(timeout=TIMEOUT) == CHANGED
    await dashboard.disconnect()


async def test_a_follow_up_being_dealt_with_reaches_the_dashboard(people):
    from followups import services as followups

    session, _, _ = await sync_to_async(session_with_link)(people.alice)
    follow_up = await sync_to_async(follow_up_due)(session.case, people.alice)
    dashboard = await watching("/ws/dashboard/", people.alice)

    await sync_to_async(followups.cancel)(follow_up, by=people.alice)

    assert await dashboard.receive_json_from(timeout=TIMEOUT) == CHANGED
    await dashboard.disconnect()


async def test_a_support_worker_is_refused(people):
    from tests.referrals.portal_sockets import watch_socket

    socket = await watch_socket("/ws/dashboard/", people.sid)
    accepted, _ = await socket.connect(timeout=TIMEOUT)
    assert accepted  # then closed with 4403, so the page stops retrying
    assert (await socket.receive_output(timeout=TIMEOUT)) == {"type": "websocket.close", "code": 4403}
    await socket.disconnect()
