"""The demo's fictional support services, and its support worker's service."""

import pytest

from referrals.demo import DEMO_SERVICES, DEMO_WORKER_SERVICE, attach_demo_support_worker, seed_services
from referrals.models import SupportService
from response_platform.accounts.models import Role
from tests.personas import make_user

pytestmark = pytest.mark.django_db


def test_seeding_twice_creates_each_service_once_covering_the_force(people):
    seed_services(people.force_a)
    seed_services(people.force_a)

    names = [name for name, *_ in DEMO_SERVICES]
    assert SupportService.objects.filter(name__in=names).count() == len(names)
    assert all(people.force_a in s.forces.all() for s in SupportService.objects.filter(name__in=names))


def test_the_demo_support_worker_belongs_to_the_idva_service_not_a_force(people):
    seed_services(people.force_a)
    user = make_user("support", people.force_a, Role.SUPPORT_WORKER)

    attach_demo_support_worker(user)

    user.refresh_from_db()
    assert user.support_service.name == DEMO_WORKER_SERVICE and user.force is None
