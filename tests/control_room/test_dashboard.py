"""The dashboard: every open session and what is due, by state, in a fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from control_room.selectors import board_for
from tests.control_room.helpers import STATES, a_session, follow_up_due, overdue_referral, training_case
from tests.personas import session_with_link, verified_client
from tests.sockets import victim_cookie

ROWS = "/control-room/rows/"


def rows_of(client, url: str = ROWS) -> str:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    return response.content.decode()


def row(html: str, session) -> str:
    match = re.search(rf'<tr data-session="{session.pk}" data-state="[a-z_]+"[^>]*>.*?</tr>', html, re.S)
    assert match, f"no row for {session.pk}"
    return match[0]


def section(html: str, group: str) -> str:
    return html.split(f'id="group-{group}"', 1)[1].split("</section>", 1)[0]


def test_each_session_is_shown_in_the_group_of_its_state(people):
    sessions = {state: a_session(people.alice, state, n) for n, state in enumerate(STATES)}
    html = rows_of(verified_client(people.bob))

    assert str(sessions["waiting"].pk) in section(html, "waiting")
    assert 'data-state="victim_waiting"' in row(html, sessions["waiting"])
    assert "data-waiting-since=" in row(html, sessions["waiting"])
    assert str(sessions["in_call"].pk) in section(html, "in-call")
    assert "with alice" in " ".join(row(html, sessions["in_call"]).split())
    assert str(sessions["link_sent"].pk) in section(html, "link-sent")
    # The dev outbox delivers at once: the row carries the text's latest status.
    assert "Text: Delivered" in row(html, sessions["link_sent"])
    assert str(sessions["ended"].pk) in section(html, "wrap-up")
    assert "Record the outcome" in row(html, sessions["ended"])


def test_follow_ups_due_and_overdue_referrals_are_listed(people):
    session = a_session(people.alice, "link_sent")
    follow_up = follow_up_due(session.case, people.alice)
    referral = overdue_referral(people, session.case)
    html = rows_of(verified_client(people.alice))
    assert f'data-follow-up="{follow_up.pk}"' in section(html, "follow-ups")
    assert f'data-referral="{referral.pk}"' in section(html, "referrals")
    assert "Service A" in section(html, "referrals")


def test_a_caller_opening_the_link_and_consenting_shows_on_the_row(people):
    session, _, token = session_with_link(people.alice)
    client = verified_client(people.alice)
    assert "link opened" not in row(rows_of(client), session)
    victim_cookie(token)  # the phone opens the link and agrees to video
    shown = row(rows_of(client), session)
    assert "link opened" in shown and "consent given" in shown


def test_another_force_sees_none_of_it(people):
    session = a_session(people.alice, "waiting")
    html = rows_of(verified_client(people.olivia))
    assert str(session.pk) not in html
    assert session.case.incident_reference not in html


def test_mine_shows_only_my_cases_and_the_calls_i_was_in(people):
    mine = a_session(people.alice, "link_sent", 1)
    bobs = a_session(people.bob, "link_sent", 2)
    joined = a_session(people.bob, "in_call", 3)
    from video.models import Participant, ParticipantRole

    Participant.objects.create(session=joined, role=ParticipantRole.STAFF, user=people.alice, channel_name="a")
    client = verified_client(people.alice)
    html = rows_of(client, ROWS + "?mine=1")
    assert str(mine.pk) in html and str(joined.pk) in html
    assert str(bobs.pk) not in html
    assert str(bobs.pk) in rows_of(client)


def test_the_filter_is_kept_in_the_page_address(people):
    page = verified_client(people.alice).get("/control-room/?mine=1").content.decode()
    assert 'data-rows-url="/control-room/rows/?mine=1"' in page
    assert 'id="filter-mine"' in page and 'aria-current="page" id="filter-mine"' in page


def test_a_training_session_is_marked_on_its_row(people):
    from django.test import TestCase

    from video.services import start_session_with_link

    case = training_case(people.alice)
    with TestCase.captureOnCommitCallbacks(execute=True):
        session = start_session_with_link(case, by=people.alice)
    assert "TRAINING" in row(rows_of(verified_client(people.alice)), session)


def test_a_case_with_nothing_left_to_do_leaves_the_wrap_up_group(people):
    from control_room import services as wrap_up
    from control_room.models import CallOutcome, ChecklistItem
    from tests.referrals.dash import ensure_dash_questionnaire
    from tests.referrals.referring import assess

    ensure_dash_questionnaire()
    session = a_session(people.alice, "ended")
    client = verified_client(people.alice)
    assert str(session.pk) in section(rows_of(client), "wrap-up")
    outcome = CallOutcome.objects.get(label="Advice given, caller safe")
    wrap_up.record_outcome(session, outcome_id=outcome.pk, by=people.alice, decisions=[ChecklistItem.FOLLOW_UPS])
    # An outcome alone is not enough: the risk assessment and the referral decision are still open.
    assert "risk assessment to do" in row(rows_of(client), session)
    assess(session.case, people.alice)
    wrap_up.decide(session.case, item=ChecklistItem.REFERRALS, by=people.alice)
    assert str(session.pk) not in rows_of(client)


# --- query counts ------------------------------------------------------------------------


def build_rows(people, start: int, count: int) -> None:
    for n in range(start, start + count):
        session = a_session(people.alice, STATES[n % len(STATES)], n)
        follow_up_due(session.case, people.alice)
        overdue_referral(people, session.case)


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [ROWS, ROWS + "?mine=1", "/control-room/"])
def test_the_number_of_queries_does_not_grow_with_the_number_of_rows(people, url):
    client = verified_client(people.alice)
    build_rows(people, 0, 1)
    queries_for(client, url)  # the first request warms the session and content-type caches
    with_one = queries_for(client, url)
    build_rows(people, 1, 29)
    people.alice.is_verified = lambda: True  # as the sign-in middleware marks her
    board = board_for(people.alice)
    assert sum(len(group) for group in (board.waiting, board.in_call, board.link_sent, board.wrap_up)) == 30
    assert len(board.follow_ups_due) == 30 and len(board.referrals_overdue) == 30
    assert queries_for(client, url) == with_one


def test_the_selector_itself_takes_four_queries(people, django_assert_num_queries):
    build_rows(people, 0, 12)
    people.alice.is_verified = lambda: True  # as the sign-in middleware marks her
    with django_assert_num_queries(4):  # sessions, people in the calls, follow-ups, referrals
        board = board_for(people.alice)
    assert len(board.in_call) == 3
