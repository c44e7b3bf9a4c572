"""Every change made in the portal reaches the specialist's open case page, and the inbox hears of new referrals."""

import pytest
from asgiref.sync import sync_to_async

from referrals import services
from tests.personas import open_case, verified_client
from tests.referrals.portal_sockets import watching
from tests.referrals.referring import refer
from tests.sockets import TIMEOUT

pytestmark = pytest.mark.django_db(transaction=True)

REFERRALS = {"type": "changed", "panel": "referrals"}


@pytest.fixture
def referral(people):
    return refer(open_case(people.alice), people.service_a, people.alice)


async def test_a_support_worker_acknowledging_reaches_the_specialists_case_page(people, referral):
    case_page = await watching(f"/ws/cases/{referral.case_id}/", people.alice)
    sid = await sync_to_async(verified_client)(people.sid)

    response = await sync_to_async(sid.post)(f"/portal/referrals/{referral.pk}/acknowledge/")

    assert response.status_code == 302
    assert await case_page.receive_json_from(timeout=TIMEOUT) == REFERRALS
    await case_page.disconnect()


async def test_a_message_from_the_service_reaches_the_case_page_and_the_referrals_own_page(people, referral):
    case_page = await watching(f"/ws/cases/{referral.case_id}/", people.alice)
    detail = await watching(f"/ws/portal/referrals/{referral.pk}/", people.sid)

    await sync_to_async(services.post_message)(referral, by=people.sid, body="Tried twice, no answer")

    assert await case_page.receive_json_from(timeout=TIMEOUT) == REFERRALS
    assert await detail.receive_json_from(timeout=TIMEOUT) == {"type": "changed", "panel": "referral"}
    await case_page.disconnect()
    await detail.disconnect()


async def test_the_services_inbox_hears_of_a_new_referral(people):
    inbox = await watching("/ws/portal/", people.sid)
    case = await sync_to_async(open_case)(people.alice)

    await sync_to_async(refer)(case, people.service_a, people.alice)

    assert await inbox.receive_json_from(timeout=TIMEOUT) == {"type": "changed", "panel": "inbox"}
    await inbox.disconnect()


async def test_another_services_inbox_hears_nothing(people):
    inbox = await watching("/ws/portal/", people.sue)
    case = await sync_to_async(open_case)(people.alice)

    await sync_to_async(refer)(case, people.service_a, people.alice)

    assert await inbox.receive_nothing(timeout=0.2)
    await inbox.disconnect()
