"""Supervisors see review statistics per team of their own force, training left out."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reviews.statistics import team_statistics
from tests.personas import verified_client
from tests.reviews.helpers import call_handler, log, review, team

CHILDREN = "Children in the household not identified"
DASH = "DASH risk questions not asked"


@pytest.fixture
def scene(people, cath):
    """Blue watch (Carol): 4 incidents, 3 reviewed after 2, 4 and 6 hours, 2 with missed opportunities,
    plus a training one and one from 100 days ago. Red watch (Cath): 1, reviewed after 10 hours, nothing
    missed. Dan, in no team: 1 unreviewed. Quinn in Force B: 1, reviewed, with a missed opportunity."""
    blue = team(people.force_a, "Blue watch", people.carol)
    red = team(people.force_a, "Red watch", cath)
    dan = call_handler("dan", people.force_a)
    review(log(people.carol, "B1", hours_ago=30), people.alice, CHILDREN, DASH, hours_after=2)
    review(log(people.carol, "B2", hours_ago=30), people.alice, CHILDREN, hours_after=4)
    review(log(people.carol, "B3", hours_ago=30), people.bob, outcome="no_issues", feedback="", hours_after=6)
    log(people.carol, "B4")
    review(log(people.carol, "B-TRAINING", training=True), people.alice, DASH, hours_after=1)
    review(log(people.carol, "B-OLD", hours_ago=100 * 24), people.alice, DASH, hours_after=1)
    review(log(cath, "R1", hours_ago=30), people.alice, outcome="no_issues", feedback="", hours_after=10)
    log(dan, "N1")
    quinn = call_handler("quinn", people.force_b)
    review(log(quinn, "Q1", hours_ago=30), people.olivia, DASH, hours_after=1)
    return blue, red


def test_the_numbers_per_team(people, scene):
    blue, red = scene
    rows = {row.team: row for row in team_statistics(people.force_a.pk, since=timezone.now() - timedelta(days=90))}
    assert list(rows) == [blue, red, None]
    assert (rows[blue].logged, rows[blue].reviewed, rows[blue].with_missed) == (4, 3, 2)
    assert rows[blue].percent_with_missed == 67
    assert rows[blue].top_missed == [(CHILDREN, 2), (DASH, 1)]
    assert rows[blue].median_to_review == timedelta(hours=4)
    assert (rows[red].logged, rows[red].reviewed, rows[red].percent_with_missed) == (1, 1, 0)
    assert rows[red].top_missed == [] and rows[red].median_to_review == timedelta(hours=10)
    assert (rows[None].logged, rows[None].reviewed, rows[None].percent_with_missed) == (1, 0, None)


def test_a_longer_period_takes_in_older_incidents(people, scene):
    blue, _ = scene
    rows = {row.team: row for row in team_statistics(people.force_a.pk, since=timezone.now() - timedelta(days=365))}
    assert (rows[blue].logged, rows[blue].reviewed, rows[blue].with_missed) == (5, 4, 3)
    # A tie goes to the entry higher on the list.
    assert rows[blue].top_missed == [(DASH, 2), (CHILDREN, 2)]


def test_the_supervisor_sees_their_own_forces_teams(people, scene):
    page = verified_client(people.bob).get("/reviews/statistics/").content.decode()
    blue_row = page.split('data-team="', 2)[1]
    assert "Blue watch" in blue_row and '<td class="logged">4</td>' in blue_row and "67%" in blue_row
    assert f"{CHILDREN} (2); {DASH} (1)" in blue_row and "4 h 0 min" in blue_row
    assert "Red watch" in page and "No team" in page
    # Force B's supervisor sees only Force B.
    theirs = verified_client(people_pete(people)).get("/reviews/statistics/").content.decode()
    assert "Blue watch" not in theirs and '<td class="logged">1</td>' in theirs


def people_pete(people):
    from response_platform.accounts.models import Role
    from tests.personas import make_user

    return make_user("pete", people.force_b, Role.SUPERVISOR)


def test_a_force_admin_sees_them_and_a_specialist_does_not(people):
    from response_platform.accounts.models import Role
    from tests.personas import make_user

    erin = make_user("erin", people.force_a, Role.FORCE_ADMIN)
    assert verified_client(erin).get("/reviews/statistics/").status_code == 200
    assert verified_client(people.alice).get("/reviews/statistics/").status_code == 403
    assert verified_client(people.carol).get("/reviews/statistics/").status_code == 403


@pytest.mark.parametrize("count", [1, 30])
def test_the_statistics_query_count_does_not_grow_with_the_incidents(people, cath, count, django_assert_num_queries):
    team(people.force_a, "Blue watch", people.carol)
    team(people.force_a, "Red watch", cath)
    for n in range(count):
        incident = log(people.carol if n % 2 else cath, f"INC-{n:04d}", hours_ago=n + 30)
        review(incident, people.alice, CHILDREN, DASH, hours_after=1)
    client = verified_client(people.bob)
    # session, user, OTP device, the force's teams, the counts per team, the missed opportunities
    # per team, the review delays, the user's force (page header), and the navigation's three counts
    # (overdue referrals, unread texts, the review queue's size).
    with django_assert_num_queries(11):
        response = client.get("/reviews/statistics/?days=365")
    assert f"{CHILDREN} ({(count + 1) // 2})" in response.content.decode()


def test_the_navigation_offers_the_statistics_to_supervisors_only(people):
    assert 'id="nav-review-stats"' in verified_client(people.bob).get("/reviews/queue/").content.decode()
    assert 'id="nav-review-stats"' not in verified_client(people.alice).get("/reviews/queue/").content.decode()


def test_the_median_of_an_even_count_is_halfway_and_reads_plainly():
    from reviews.statistics import _median, duration_text

    assert _median([timedelta(hours=1), timedelta(hours=4), timedelta(hours=2), timedelta(hours=9)]) == timedelta(
        hours=3
    )
    assert duration_text(timedelta(days=3, hours=4, minutes=5)) == "3 d 4 h"
    assert duration_text(timedelta(minutes=40)) == "40 min"


def test_an_incident_whose_case_is_a_training_case_is_left_out(people):
    from response_platform.cases.models import Case
    from tests.personas import open_case

    if not any(f.name == "is_training" for f in Case._meta.get_fields()):
        pytest.skip("cases have no training flag in this tree")
    blue = team(people.force_a, "Blue watch", people.carol)
    case = open_case(people.alice, reference="INC-PRACTICE")
    log(people.carol, "INC-PRACTICE")
    log(people.carol, "INC-REAL")
    Case.objects.filter(pk=case.pk).update(is_training=True)  # marked after the incident was logged
    rows = {row.team: row for row in team_statistics(people.force_a.pk, since=timezone.now() - timedelta(days=90))}
    assert rows[blue].logged == 1
