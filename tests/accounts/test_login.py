"""Staff sign in: password and a TOTP code in one step, throttled per address."""

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from tests.personas import PASSWORD, current_code

WRONG = "That username, password or code is not right."
LOCKED = "Too many failed attempts from this computer."


def sign_in(client, user, *, password=PASSWORD, code=None, next_url=None):
    data = {"username": user.username, "password": password, "otp_token": code or current_code(user)}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/login/", data)


def test_the_right_password_and_code_sign_in_with_both_factors(people):
    client = Client()
    response = sign_in(client, people.alice)
    assert response.status_code == 302
    assert client.get(response["Location"]).url == "/control-room/"
    assert DEVICE_ID_SESSION_KEY in client.session
    next_page = client.get("/cases/")
    assert next_page.status_code == 200
    assert next_page.wsgi_request.user.is_verified()


def test_a_wrong_code_is_refused_with_a_clear_message(people):
    client = Client()
    right = current_code(people.alice)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = sign_in(client, people.alice, code=wrong)
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/cases/").status_code == 302


def test_a_wrong_password_gets_the_same_message_as_a_wrong_code(people):
    response = sign_in(Client(), people.alice, password="not-her-password")
    assert response.status_code == 200
    assert WRONG in response.content.decode()


def test_a_missing_password_is_refused_without_an_error_page(people):
    response = Client().post("/login/", {"username": "alice", "password": "", "otp_token": "123456"})
    assert response.status_code == 200
    assert "_auth_user_id" not in response.wsgi_request.session


def test_a_code_cannot_be_used_twice(people):
    code = current_code(people.alice)
    assert sign_in(Client(), people.alice, code=code).status_code == 302
    replay = sign_in(Client(), people.alice, code=code)
    assert replay.status_code == 200
    assert WRONG in replay.content.decode()


def test_a_support_worker_starts_in_the_referrals_inbox(people):
    client = Client()
    response = sign_in(client, people.sid)
    assert client.get(response["Location"]).url == "/portal/"


def test_it_returns_to_the_page_asked_for_after_sign_in(people):
    response = sign_in(Client(), people.alice, next_url="/cases/new/")
    assert response["Location"] == "/cases/new/"


@pytest.mark.parametrize("target", ["https://evil.example/steal", "//evil.example/", "/\\evil.example"])
def test_it_never_sends_staff_to_another_site_after_sign_in(people, target):
    response = sign_in(Client(), people.alice, next_url=target)
    assert response["Location"] == "/"


@pytest.fixture
def low_limit(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    return settings.LOGIN_FAILURE_LIMIT


def test_after_too_many_failures_even_the_right_details_are_refused(people, low_limit):
    client = Client()
    for _ in range(low_limit):
        sign_in(client, people.alice, password="guess")
    response = sign_in(client, people.alice)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_locked_page_does_not_say_whether_the_guess_was_right(people, low_limit):
    for _ in range(low_limit):
        sign_in(Client(), people.alice, password="guess")
    right = sign_in(Client(), people.alice).content.decode()
    wrong = sign_in(Client(), people.alice, password="guess").content.decode()
    assert WRONG not in right and WRONG not in wrong
    assert LOCKED in right and LOCKED in wrong


def test_the_lock_applies_to_one_address_only(people, low_limit):
    for _ in range(low_limit):
        Client(REMOTE_ADDR="203.0.113.7").post("/login/", {"username": "alice", "password": "guess"})
    assert sign_in(Client(REMOTE_ADDR="203.0.113.8"), people.alice).status_code == 302


def test_a_success_clears_the_failures(people, low_limit):
    for _ in range(low_limit - 1):
        sign_in(Client(), people.alice, password="guess")
    assert sign_in(Client(), people.alice).status_code == 302
    for _ in range(low_limit - 1):
        sign_in(Client(), people.alice, password="guess")
    assert sign_in(Client(), people.bob).status_code == 302


def test_the_lock_lifts_when_the_window_ends(people, low_limit):
    from django.core.cache import cache

    for _ in range(low_limit):
        sign_in(Client(), people.alice, password="guess")
    assert sign_in(Client(), people.alice).status_code == 429
    cache.delete("throttle:login:127.0.0.1")  # what the cache does when the window's timeout passes
    assert sign_in(Client(), people.alice).status_code == 302


def test_sign_out_is_post_only(people):
    client = Client()
    sign_in(client, people.alice)
    assert client.get("/logout/").status_code == 405
    assert client.get("/cases/").status_code == 200
    response = client.post("/logout/")
    assert response["Location"] == "/login/"
    assert client.get("/cases/").status_code == 302


def test_sign_out_needs_the_form_token(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.alice)
    assert client.post("/logout/").status_code == 403


def test_the_password_and_code_are_masked_in_error_reports(people):
    from django.views.debug import SafeExceptionReporterFilter

    response = sign_in(Client(), people.alice, password="not-her-password")
    reported = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert reported["password"] != "not-her-password"
    assert reported["otp_token"] != current_code(people.alice)
    assert reported["username"] == "alice"
