"""Exports and admin changes want a code entered in the last five minutes; older, and it is asked for again."""

import pytest
from django.contrib.auth.models import Permission
from django.http import HttpResponse
from django.urls import include, path

from referrals.models import ServiceKind
from response_platform.accounts.fresh_otp import FRESH_AT, require_fresh_second_factor
from response_platform.accounts.models import Role, User
from tests.personas import PASSWORD, current_code, make_service, make_user, verified_client

MINUTE = 60


@require_fresh_second_factor
def _export(request):
    return HttpResponse("reference,outcome\n", content_type="text/csv")


# The real URLs, plus one export-like view wearing the decorator as any export does.
urlpatterns = [path("test-export/", _export), path("", include("response_platform.urls"))]


def force_admin(people) -> User:
    admin = make_user("fadmin", people.force_a, Role.FORCE_ADMIN)
    admin.is_staff = True
    admin.save()
    admin.user_permissions.set(Permission.objects.filter(content_type__app_label="accounts"))
    return admin


def grow_stale(client, minutes: int = 5) -> None:
    """The last code was entered `minutes` minutes (and a second) ago."""
    session = client.session
    session[FRESH_AT] -= minutes * MINUTE + 1
    session.save()


def reauth_url(next_path: str) -> str:
    from urllib.parse import urlencode

    return f"/reauth/?{urlencode({'next': next_path})}"


@pytest.fixture
def admin(people):
    client = verified_client(force_admin(people))
    grow_stale(client)
    return client


# --- the decorator --------------------------------------------------------------------


@pytest.mark.urls(__name__)
def test_an_export_right_after_signing_in_is_served(people):
    client = verified_client(people.alice)
    assert client.get("/test-export/").content == b"reference,outcome\n"


@pytest.mark.urls(__name__)
def test_an_export_five_minutes_after_the_last_code_asks_for_the_code_again(people):
    client = verified_client(people.alice)
    grow_stale(client)

    response = client.get("/test-export/?force=a")

    assert response.status_code == 302
    assert response["Location"] == reauth_url("/test-export/?force=a")
    assert b"reference" not in response.content


@pytest.mark.urls(__name__)
def test_entering_the_code_goes_back_to_the_export_and_serves_it(people):
    client = verified_client(people.alice)
    grow_stale(client)
    page = client.get(reauth_url("/test-export/"))
    assert page.status_code == 200 and "Confirm it is you" in page.content.decode()

    response = client.post("/reauth/", {"otp_token": current_code(people.alice), "next": "/test-export/"})

    assert response.status_code == 302 and response["Location"] == "/test-export/"
    assert client.get("/test-export/").content == b"reference,outcome\n"


@pytest.mark.urls(__name__)
def test_a_wrong_code_is_refused_and_the_export_stays_shut(people):
    client = verified_client(people.alice)
    grow_stale(client)

    response = client.post("/reauth/", {"otp_token": "000000", "next": "/test-export/"})

    assert response.status_code == 200 and "That code is not right." in response.content.decode()
    assert client.get("/test-export/").status_code == 302


def test_five_wrong_codes_end_the_sign_in(people):
    client = verified_client(people.alice)
    for _ in range(5):
        response = client.post("/reauth/", {"otp_token": "000000", "next": "/cases/"})

    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get("/cases/")["Location"].startswith("/login/")


def test_the_code_page_never_sends_anyone_to_another_site(people):
    client = verified_client(people.alice)
    response = client.post("/reauth/", {"otp_token": current_code(people.alice), "next": "https://evil.example.test/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_code_page_is_for_signed_in_staff_only(db):
    from django.test import Client

    assert Client().get("/reauth/?next=/cases/")["Location"].startswith("/login/")


def test_a_code_entered_at_the_sign_in_page_counts_as_fresh(people):
    from django.test import Client

    admin_user = force_admin(people)
    client = Client()
    client.post("/login/", {"username": "fadmin", "password": PASSWORD, "otp_token": current_code(admin_user)})

    assert client.get(f"/admin/accounts/user/{people.alice.pk}/change/").status_code == 200


# --- the admin --------------------------------------------------------------------------


def test_opening_a_staff_account_in_the_admin_asks_for_the_code_first(people, admin):
    page = f"/admin/accounts/user/{people.alice.pk}/change/"

    response = admin.get(page)

    assert response.status_code == 302 and response["Location"] == reauth_url(page)
    admin.post("/reauth/", {"otp_token": current_code(User.objects.get(username="fadmin")), "next": page})
    assert admin.get(page).status_code == 200


@pytest.mark.parametrize(
    "page",
    [
        "/admin/accounts/user/add/",
        "/admin/accounts/user/{alice}/delete/",
        "/admin/accounts/user/{alice}/password/",
        "/admin/accounts/force/{force_a}/change/",
    ],
)
def test_each_admin_form_that_changes_staff_or_forces_asks_for_the_code(people, admin, page):
    page = page.format(alice=people.alice.pk, force_a=people.force_a.pk)
    response = admin.get(page)
    assert response.status_code == 302 and response["Location"].startswith("/reauth/")


def test_disabling_someone_with_a_stale_code_changes_nothing(people, admin):
    response = admin.post(
        "/admin/accounts/user/",
        {"action": "delete_selected", "_selected_action": [people.alice.pk], "post": "yes"},
    )

    assert response.status_code == 302 and response["Location"].startswith("/reauth/")
    assert User.objects.filter(pk=people.alice.pk, is_active=True).exists()


def test_a_support_service_change_asks_for_the_code(people):
    # Support services are managed by force administrators by role, not by permission rows.
    client = verified_client(force_admin(people))
    grow_stale(client)
    service = make_service("Service C", ServiceKind.HELPLINE, people.force_a)

    response = client.get(f"/admin/referrals/supportservice/{service.pk}/change/")

    assert response.status_code == 302 and response["Location"].startswith("/reauth/")


def test_browsing_the_admin_lists_needs_no_fresh_code(people, admin):
    assert admin.get("/admin/accounts/user/").status_code == 200
    assert admin.get("/admin/").status_code == 200


def test_the_admins_own_password_only_sign_in_sends_to_the_sign_in_page_with_the_code(people, admin):
    response = admin.post("/admin/login/?next=/admin/", {"username": "fadmin", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
