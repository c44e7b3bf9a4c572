"""`manage.py seed_demo` and `manage.py totp_code`: what `make run` uses to let people try the product."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from response_platform.accounts.demo import DEMO_PASSWORD
from response_platform.accounts.models import Force, Role, User
from tests.personas import make_user


@pytest.fixture(autouse=True)
def _debug_on(settings):
    # The test runner turns DEBUG off; `make run`, where seeding happens, has it on.
    settings.DEBUG = True


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def demo_users():
    """The demo force's users and the demo support worker (who belongs to a service, not the force)."""
    return User.objects.filter(force__code="demo") | User.objects.filter(support_service__forces__code="demo")


def test_it_creates_one_user_per_role_each_with_a_confirmed_device(db):
    run("seed_demo")
    users = demo_users()
    assert sorted(users.values_list("role", flat=True)) == sorted(Role.values)
    for user in users:
        assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1


def test_seeding_twice_changes_nothing(db):
    run("seed_demo")
    before = list(TOTPDevice.objects.order_by("pk").values_list("pk", "key", "user__username"))
    second = run("seed_demo")
    assert list(TOTPDevice.objects.order_by("pk").values_list("pk", "key", "user__username")) == before
    # The support worker is still the demo's own, so its login is printed again.
    assert "support " in second
    assert User.objects.count() == len(Role.values)
    assert Force.objects.filter(code="demo").count() == 1


def test_the_printed_code_signs_the_user_in(db):
    run("seed_demo")
    code = run("totp_code", "specialist").strip()
    client = Client()
    response = client.post("/login/", {"username": "specialist", "password": DEMO_PASSWORD, "otp_token": code})
    assert response.status_code == 302
    assert client.get("/cases/").status_code == 200


def test_it_prints_no_code_for_someone_outside_the_demo_force(people):
    with pytest.raises(CommandError):
        run("totp_code", "alice")


def test_it_leaves_a_real_account_with_a_demo_name_alone(people):
    real = make_user("specialist", people.force_a, Role.SPECIALIST)
    output = run("seed_demo")
    real.refresh_from_db()
    assert real.check_password("correct-horse-battery-staple")
    assert TOTPDevice.objects.filter(user=real).count() == 1
    assert "specialist " not in output.split("totp_code <username>")[1]


def test_it_refuses_to_seed_with_debug_off_unless_told(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        run("seed_demo")
    assert not User.objects.exists()
    run("seed_demo", "--allow-without-debug")
    assert User.objects.count() == len(Role.values)
