"""The admin site: a force administrator manages their own force only."""

from django.contrib.auth.models import Permission

from response_platform.accounts.models import Role
from tests.personas import make_user, verified_client


def force_admin(people):
    admin = make_user("fadmin", people.force_a, Role.FORCE_ADMIN)
    admin.is_staff = True
    admin.save()
    admin.user_permissions.set(Permission.objects.filter(content_type__app_label="accounts"))
    return admin


def test_a_force_administrator_sees_only_their_forces_staff(people):
    page = verified_client(force_admin(people)).get("/admin/accounts/user/").content.decode()
    assert ">alice<" in page
    assert ">olivia<" not in page


def test_a_force_administrator_cannot_open_another_forces_account(people):
    client = verified_client(force_admin(people))
    response = client.get(f"/admin/accounts/user/{people.olivia.pk}/change/")
    assert response.status_code == 302  # the admin's "does not exist" bounce
    assert client.get(f"/admin/accounts/force/{people.force_b.pk}/change/").status_code == 302


def test_a_force_administrator_can_only_give_staff_their_own_force(people):
    page = verified_client(force_admin(people)).get("/admin/accounts/user/add/").content.decode()
    assert "Force A" in page and "Force B" not in page


def test_a_force_administrator_cannot_make_a_superuser(people):
    client = verified_client(force_admin(people))
    page = client.get(f"/admin/accounts/user/{people.alice.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page


def test_a_superuser_sees_every_force(people):
    people.bob.is_staff = people.bob.is_superuser = True
    people.bob.save()
    page = verified_client(people.bob).get("/admin/accounts/user/").content.decode()
    assert ">alice<" in page and ">olivia<" in page


def test_the_admin_is_closed_to_staff_who_are_not_administrators(people):
    assert verified_client(people.alice).get("/admin/").status_code == 302
