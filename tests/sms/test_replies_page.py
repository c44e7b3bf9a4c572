"""/replies/: the force's unread texts from callers, and the count for a navigation badge."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from response_platform.accounts.models import Role
from response_platform.sms.models import InboundSms
from response_platform.sms.selectors import unread_reply_count_for
from tests.personas import make_user, open_case, verified_client
from tests.sms.webhooks import send_reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def replied(people):
    """Alice's caller has texted twice; a number no force knows has texted once."""
    case = open_case(people.alice)
    send_reply("Can you call after 3?")
    send_reply("He is back, do not call")
    send_reply("Who is this? Leave me alone", sender="+447700900999")
    return case


def page(user):
    return verified_client(user).get("/replies/")


def test_a_specialist_sees_the_forces_unread_replies_with_their_case(people, replied):
    response = page(people.alice)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Can you call after 3?" in html and "He is back, do not call" in html
    assert f"/cases/{replied.pk}/" in html
    assert "Leave me alone" not in html


def test_a_supervisor_of_the_force_sees_them_too(people, replied):
    assert "Can you call after 3?" in page(people.bob).content.decode()


def test_a_reply_read_from_the_list_leaves_the_list(people, replied):
    first = _reply_with("Can you call after 3?")
    client = verified_client(people.bob)

    response = client.post(f"/replies/{first.pk}/read/")

    assert response.status_code == 302 and response["Location"] == "/replies/"
    html = client.get("/replies/").content.decode()
    assert "Can you call after 3?" not in html and "He is back, do not call" in html


def test_a_call_handler_and_a_support_worker_are_refused(people, replied):
    assert page(people.carol).status_code == 403
    assert page(people.sid).status_code == 403


def test_another_forces_specialist_sees_none_of_them(people, replied):
    html = page(people.olivia).content.decode()

    assert "Can you call after 3?" not in html
    assert "No unread texts." in html


def test_a_force_admin_is_told_how_many_came_from_unknown_numbers_but_not_what_they_say(people, replied):
    admin = make_user("fay", people.force_b, Role.FORCE_ADMIN)

    html = page(admin).content.decode()

    assert "1 text in the last 7 days came from a number with no case in any force" in html
    assert "Leave me alone" not in html


def test_a_specialist_is_not_shown_the_unknown_number_count(people, replied):
    assert "no case in any force" not in page(people.alice).content.decode()


def test_the_badge_counts_unread_replies_of_the_users_force_only(people, replied):
    alice, bob, carol, olivia = (signed_in(u) for u in (people.alice, people.bob, people.carol, people.olivia))
    assert unread_reply_count_for(alice) == 2
    assert unread_reply_count_for(olivia) == 0
    assert unread_reply_count_for(carol) == 0

    verified_client(people.alice).post(f"/replies/{_reply_with('He is back, do not call').pk}/read/")

    assert unread_reply_count_for(bob) == 1


def test_the_badge_counts_nothing_for_a_password_only_session(people, replied):
    assert unread_reply_count_for(people.alice) == 0


def signed_in(user):
    """The user as request.user is after both factors (django_otp's middleware sets this)."""
    user.is_verified = lambda: True
    return user


def test_the_list_costs_the_same_queries_however_many_replies(people, replied):
    client = verified_client(people.alice)
    with CaptureQueriesContext(connection) as few:
        client.get("/replies/")
    for n in range(10):
        send_reply(f"Message {n}")
    with CaptureQueriesContext(connection) as many:
        html = client.get("/replies/").content.decode()

    assert "Message 9" in html
    assert len(many) == len(few)


def _reply_with(body: str) -> InboundSms:
    # The body is encrypted, so it cannot be filtered on in SQL.
    return next(r for r in InboundSms.objects.all() if r.body == body)
