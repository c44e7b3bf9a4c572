"""Who may see a referral: a service sees only its own, a force only its cases', staff never the portal."""

import pytest

from referrals.models import ReferralStatus
from referrals.selectors import referrals_for_staff
from response_platform.lib.watch import CLOSE_FORBIDDEN
from tests.personas import open_case, verified_client
from tests.referrals.portal_sockets import watch_socket, watching
from tests.referrals.referring import refer
from tests.sockets import refusal


@pytest.fixture
def referral(people):
    """A referral to Service A (Sid's); Sue works for Service B."""
    return refer(open_case(people.alice), people.service_a, people.alice)


def portal(referral, step: str = "") -> str:
    return f"/portal/referrals/{referral.pk}/" + (f"{step}/" if step else "")


@pytest.mark.django_db
def test_another_services_worker_gets_404_for_every_page_of_the_referral(people, referral):
    sue = verified_client(people.sue)

    for path in (portal(referral), portal(referral, "panels/referral"), portal(referral, "decline")):
        assert sue.get(path).status_code == 404, path
    for step in ("acknowledge", "accept", "messages", "decline", "contact", "close"):
        assert sue.post(portal(referral, step), {"text": "x", "body": "x"}).status_code == 404, step
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT and not referral.messages.exists()


@pytest.mark.django_db
def test_another_services_inbox_does_not_list_the_referral(people, referral):
    assert str(referral.pk) not in verified_client(people.sue).get("/portal/").content.decode()
    assert str(referral.pk) in verified_client(people.sid).get("/portal/").content.decode()


@pytest.mark.django_db
def test_force_staff_are_refused_the_portal(people, referral):
    alice = verified_client(people.alice)

    assert alice.get("/portal/").status_code == 403
    assert alice.get(portal(referral)).status_code == 403
    assert alice.post(portal(referral, "acknowledge")).status_code == 403


@pytest.mark.django_db
def test_anyone_not_signed_in_is_sent_to_sign_in(client, referral):
    response = client.get(portal(referral))

    assert response.status_code == 302 and response.url.startswith("/login/")


@pytest.mark.django_db
def test_a_support_worker_without_the_second_factor_is_sent_to_sign_in(client, people, referral):
    client.force_login(people.sid)

    response = client.get("/portal/")

    assert response.status_code == 302 and response.url.startswith("/login/")


@pytest.mark.django_db
def test_a_support_worker_cannot_open_the_case_or_the_control_room_pages(people, referral):
    sid = verified_client(people.sid)

    assert sid.get(f"/cases/{referral.case_id}/").status_code == 403
    assert sid.get(f"/cases/{referral.case_id}/referrals/{referral.pk}/").status_code == 403
    assert sid.get(f"/cases/{referral.case_id}/referrals/new/").status_code == 403


@pytest.mark.django_db
def test_a_specialist_of_another_force_cannot_see_the_referrals(people, referral):
    olivia = verified_client(people.olivia)

    assert olivia.get(f"/cases/{referral.case_id}/panels/referrals/").status_code == 404
    assert olivia.get(f"/cases/{referral.case_id}/referrals/{referral.pk}/").status_code == 404
    assert olivia.post(f"/cases/{referral.case_id}/referrals/{referral.pk}/messages/", {"body": "x"}).status_code == 404
    assert olivia.get(f"/cases/{referral.case_id}/referrals/new/").status_code == 404
    assert not referrals_for_staff(people.olivia).exists()
    assert not referral.messages.exists()


@pytest.mark.django_db
def test_the_referral_pages_of_one_force_do_not_mix_cases(people, referral):
    other_case = open_case(people.alice, reference="INC-OTHER")

    path = f"/cases/{other_case.pk}/referrals/{referral.pk}/"
    assert verified_client(people.alice).get(path).status_code == 404


@pytest.mark.django_db(transaction=True)
async def test_another_services_worker_is_refused_the_referrals_socket(people, referral):
    communicator = await watch_socket(f"/ws/portal/referrals/{referral.pk}/", people.sue)

    assert await refusal(communicator) == CLOSE_FORBIDDEN


@pytest.mark.django_db(transaction=True)
async def test_the_services_own_worker_may_watch_the_referral(people, referral):
    communicator = await watching(f"/ws/portal/referrals/{referral.pk}/", people.sid)
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_force_staff_are_refused_the_portal_sockets(people, referral):
    for path in ("/ws/portal/", f"/ws/portal/referrals/{referral.pk}/"):
        assert await refusal(await watch_socket(path, people.alice)) == CLOSE_FORBIDDEN


@pytest.mark.django_db(transaction=True)
async def test_a_support_worker_is_refused_the_case_pages_socket(people, referral):
    communicator = await watch_socket(f"/ws/cases/{referral.case_id}/", people.sid)

    assert await refusal(communicator) == CLOSE_FORBIDDEN
