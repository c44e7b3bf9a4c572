"""The support-service directory in the admin: a force administrator manages the services covering their force."""

import pytest

from referrals.models import ServiceKind, SupportService
from response_platform.accounts.models import Role
from tests.personas import make_service, make_user, verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_a(people):
    """A force administrator of Force A, with no per-model permission rows: the role is enough."""
    user = make_user("fadmin", people.force_a, Role.FORCE_ADMIN)
    user.is_staff = True
    user.save()
    return verified_client(user)


def form(people, **fields) -> dict:
    data = {
        "name": "Eastbridge Outreach",
        "kind": ServiceKind.OUTREACH,
        "forces": [people.force_a.pk],
        "areas": "Eastbridge",
        "contact_email": "outreach@support.example.test",
        "webhook_url": "",
        "new_webhook_secret": "",
        "ack_sla_hours": "24",
        "active": "on",
        "workers-TOTAL_FORMS": "0",
        "workers-INITIAL_FORMS": "0",
    }
    return data | fields


def test_a_force_administrator_sees_only_services_covering_their_force(people, admin_a):
    make_service("Force B Refuge", ServiceKind.REFUGE, people.force_b)

    page = admin_a.get("/admin/referrals/supportservice/").content.decode()

    assert "Service A" in page and "Force B Refuge" not in page


def test_a_force_administrator_cannot_open_another_forces_service(people, admin_a):
    theirs = make_service("Force B Refuge", ServiceKind.REFUGE, people.force_b)

    assert admin_a.get(f"/admin/referrals/supportservice/{theirs.pk}/change/").status_code == 302


def test_a_force_administrator_can_only_give_a_service_their_own_force(people, admin_a):
    page = admin_a.get("/admin/referrals/supportservice/add/").content.decode()

    assert "Force A" in page and "Force B" not in page


def test_a_force_administrator_adds_a_service_with_a_write_only_webhook_secret(people, admin_a):
    response = admin_a.post(
        "/admin/referrals/supportservice/add/",
        form(people, webhook_url="https://hooks.example.test/r", new_webhook_secret="s3cret-value-123"),
    )

    assert response.status_code == 302
    service = SupportService.objects.get(name="Eastbridge Outreach")
    assert service.webhook_secret == "s3cret-value-123"
    page = admin_a.get(f"/admin/referrals/supportservice/{service.pk}/change/").content.decode()
    assert "s3cret-value-123" not in page and "••••••••" in page


def test_saving_keeps_the_secret_and_the_other_forces_cover(people, admin_a):
    shared = make_service("Regional Helpline", ServiceKind.HELPLINE, people.force_a, people.force_b)
    shared.webhook_secret = "kept-secret"
    shared.webhook_url = "https://hooks.example.test/h"
    shared.save()

    response = admin_a.post(
        f"/admin/referrals/supportservice/{shared.pk}/change/",
        form(people, name="Regional Helpline", kind=ServiceKind.HELPLINE, webhook_url="https://hooks.example.test/h"),
    )

    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.webhook_secret == "kept-secret" and shared.areas == "Eastbridge"
    assert set(shared.forces.all()) == {people.force_a, people.force_b}


def test_a_webhook_without_a_secret_is_refused(people, admin_a):
    response = admin_a.post(
        "/admin/referrals/supportservice/add/", form(people, webhook_url="https://hooks.example.test/r")
    )

    assert response.status_code == 200 and "needs a secret" in response.content.decode()
    assert not SupportService.objects.filter(name="Eastbridge Outreach").exists()


def test_specialists_and_support_workers_cannot_reach_the_directory(people):
    assert verified_client(people.alice).get("/admin/referrals/supportservice/").status_code == 302
    assert verified_client(people.sid).get("/admin/referrals/supportservice/").status_code == 403
