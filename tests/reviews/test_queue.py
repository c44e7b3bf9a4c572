"""Specialists and supervisors work a queue of the force's unreviewed incidents, oldest first."""

import pytest

from tests.personas import verified_client
from tests.reviews.helpers import call_handler, log, review, team


def queue_page(user, query: str = "") -> str:
    response = verified_client(user).get(f"/reviews/queue/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_queue_lists_unreviewed_incidents_oldest_first(people):
    log(people.carol, "INC-NEWER", hours_ago=1)
    log(people.carol, "INC-OLDER", hours_ago=5)
    review(log(people.carol, "INC-DONE", hours_ago=9), people.alice)
    page = queue_page(people.alice)
    assert page.index("INC-OLDER") < page.index("INC-NEWER")
    assert "INC-DONE" not in page
    # Supervisors work it too.
    assert "INC-OLDER" in queue_page(people.bob)


def test_another_forces_specialist_sees_nothing_of_it(people):
    log(people.carol, "INC-FORCE-A")
    log(call_handler("quinn", people.force_b), "INC-FORCE-B")
    assert "INC-FORCE-A" not in queue_page(people.olivia)
    assert "INC-FORCE-B" in queue_page(people.olivia)
    assert "INC-FORCE-B" not in queue_page(people.alice)


def test_the_queue_can_show_one_team(people, cath):
    blue = team(people.force_a, "Blue watch", people.carol)
    team(people.force_a, "Red watch", cath)
    log(people.carol, "INC-BLUE")
    log(cath, "INC-RED")
    page = queue_page(people.alice, f"?team={blue.pk}")
    assert "INC-BLUE" in page and "INC-RED" not in page
    everything = queue_page(people.alice)
    assert "INC-BLUE" in everything and "INC-RED" in everything and "Red watch" in everything


def test_another_forces_team_filters_nothing(people):
    elsewhere = team(people.force_b, "Their watch")
    log(people.carol, "INC-BLUE")
    assert "INC-BLUE" in queue_page(people.alice, f"?team={elsewhere.pk}")


def test_the_navigation_shows_the_queue_size_to_reviewers(people):
    log(people.carol, "INC-1")
    log(people.carol, "INC-2")
    page = queue_page(people.alice)
    nav = page.split("<nav", 1)[1].split("</nav>", 1)[0]
    assert 'id="nav-review-queue">Review queue <span class="badge">2</span>' in nav


@pytest.mark.parametrize("count", [1, 30])
def test_the_queue_query_count_does_not_grow_with_the_incidents(people, cath, count, django_assert_num_queries):
    blue = team(people.force_a, "Blue watch", people.carol)
    team(people.force_a, "Red watch", cath)
    for n in range(count):
        log(people.carol if n % 2 else cath, f"INC-{n:04d}", hours_ago=n + 1)
    client = verified_client(people.alice)
    # session, user, OTP device, the force's teams, the queue with each call handler and team,
    # the user's force (page header and timezone), and the navigation's three counts
    # (overdue referrals, unread texts, the queue's size).
    with django_assert_num_queries(9):
        response = client.get("/reviews/queue/")
    assert response.content.decode().count('data-incident="') == count
    with django_assert_num_queries(9):
        response = client.get(f"/reviews/queue/?team={blue.pk}")
    assert response.content.decode().count('data-incident="') == count // 2
