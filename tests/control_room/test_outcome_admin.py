"""Call outcomes in the admin: a force administrator manages their own force's list, not the shared one."""

import pytest

from control_room.models import CallOutcome
from response_platform.accounts.models import Role
from tests.personas import make_user, verified_client

pytestmark = pytest.mark.django_db

LIST = "/admin/control_room/calloutcome/"


@pytest.fixture
def admin_a(people):
    user = make_user("fadmin", people.force_a, Role.FORCE_ADMIN)
    user.is_staff = True
    user.save()
    return verified_client(user)


def test_a_force_administrator_sees_the_shared_outcomes_and_their_own_only(people, admin_a):
    CallOutcome.objects.create(force=people.force_a, label="Handed to the neighbourhood team")
    CallOutcome.objects.create(force=people.force_b, label="Passed to the Force B hub")
    page = admin_a.get(LIST).content.decode()
    assert "Advice given, caller safe" in page and "Handed to the neighbourhood team" in page
    assert "Passed to the Force B hub" not in page


def test_a_force_administrator_adds_an_outcome_for_their_own_force(people, admin_a, settings):
    settings.FRESH_OTP_MINUTES = 60
    response = admin_a.post(
        LIST + "add/", {"force": people.force_a.pk, "label": "Welfare check booked", "position": "5", "active": "on"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CallOutcome.objects.get(label="Welfare check booked").force == people.force_a


def test_the_shared_list_is_not_a_force_administrators_to_change(people, admin_a, settings):
    settings.FRESH_OTP_MINUTES = 60
    shared = CallOutcome.objects.get(label="No contact made", force=None)
    admin_a.post(f"{LIST}{shared.pk}/change/", {"label": "Changed", "position": "1", "active": "on"})
    shared.refresh_from_db()
    assert shared.label == "No contact made"
    theirs = CallOutcome.objects.create(force=people.force_b, label="Passed to the Force B hub")
    assert admin_a.get(f"{LIST}{theirs.pk}/change/").status_code == 302  # like a row that does not exist


def test_a_specialist_cannot_reach_the_list(people):
    assert verified_client(people.alice).get(LIST).status_code == 302
