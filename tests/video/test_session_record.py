"""The session record: every step, in order, with its time; and sessions nobody can join are closed."""

import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from tests.personas import session_with_link, verified_client
from video import housekeeping
from video.models import EventKind, Participant, SessionEvent, SessionState
from video.notices import NOTICE_VERSION

STEPS = ["Case created", "Text message queued", "Text message delivered", "Link opened", "Consent given"]


def caller_consents(token: str) -> Client:
    phone = Client()
    phone.get(f"/j/{token}")
    phone.post("/v/consent/", {"notice_version": NOTICE_VERSION, "video": "yes"})
    return phone


def test_the_session_page_shows_each_step_in_order_with_its_time(people):
    session, _, token = session_with_link(people.alice)
    caller_consents(token)
    page = verified_client(people.alice).get(f"/sessions/{session.pk}/").content.decode()
    rows = re.findall(r'<tr data-id="\d+" data-at="[^"]+"><td>(\d\d:\d\d:\d\d)</td><td>([^<]+)</td>', page)
    labels = [label for _, label in rows]
    assert [step for step in STEPS if step in " ".join(labels)] == STEPS
    positions = [next(i for i, label in enumerate(labels) if label.startswith(step)) for step in STEPS]
    assert positions == sorted(positions)
    assert "Consent given · video" in labels
    assert "Consent refused · location" in labels


def test_the_events_feed_returns_only_what_came_after(people):
    session, _, token = session_with_link(people.alice)
    client = verified_client(people.alice)
    everything = client.get(f"/sessions/{session.pk}/events/").json()
    assert [e["label"] for e in everything["events"]] == STEPS[:3]
    last_seen = everything["events"][-1]["id"]
    caller_consents(token)
    response = client.get(f"/sessions/{session.pk}/events/?after={last_seen}")
    assert response["Cache-Control"] == "no-store"
    later = response.json()
    assert [e["kind"] for e in later["events"]] == [
        EventKind.LINK_OPENED,
        EventKind.CONSENT_GRANTED,
        EventKind.CONSENT_REFUSED,
    ]
    assert all(e["id"] > last_seen for e in later["events"])
    assert later["state"] == SessionState.LINK_SENT
    assert later["state_label"] == "Link sent"  # what the page shows as the session's state


def test_the_events_feed_ignores_a_malformed_after(people):
    session, _, _ = session_with_link(people.alice)
    response = verified_client(people.alice).get(f"/sessions/{session.pk}/events/?after=soon")
    assert len(response.json()["events"]) == 3


def test_the_record_holds_no_phone_number(people):
    session, _, token = session_with_link(people.alice)
    caller_consents(token)
    details = " ".join(SessionEvent.objects.filter(case=session.case).values_list("detail", flat=True))
    assert "7700" not in details


def expire_links(session):
    session.links.update(expires_at=timezone.now() - timedelta(seconds=1))


def test_a_session_whose_links_expired_unopened_is_expired(people):
    session, _, _ = session_with_link(people.alice)
    expire_links(session)
    assert housekeeping.expire_stale_sessions() == 1
    session.refresh_from_db()
    assert session.state == SessionState.EXPIRED
    assert session.events.filter(kind=EventKind.EXPIRED).count() == 1
    assert housekeeping.expire_stale_sessions() == 0
    assert session.events.filter(kind=EventKind.EXPIRED).count() == 1


def test_a_session_with_a_link_still_valid_is_left_alone(people):
    session, _, _ = session_with_link(people.alice)
    assert housekeeping.expire_stale_sessions() == 0
    session.refresh_from_db()
    assert session.state == SessionState.LINK_SENT


def test_a_live_session_is_left_alone_after_its_link_expires(people):
    session, _, token = session_with_link(people.alice)
    caller_consents(token)
    session.state = SessionState.IN_CALL
    session.save()
    expire_links(session)
    assert housekeeping.expire_stale_sessions() == 0
    session.refresh_from_db()
    assert session.state == SessionState.IN_CALL


def test_an_opened_link_keeps_the_session_open_after_it_expires(people):
    session, _, token = session_with_link(people.alice)
    caller_consents(token)
    expire_links(session)
    assert housekeeping.expire_stale_sessions() == 0


def test_a_session_quiet_for_hours_is_expired_even_if_it_was_opened(people):
    session, _, token = session_with_link(people.alice)
    caller_consents(token)
    hours_later = timezone.now() + housekeeping.ABANDONED_AFTER + timedelta(minutes=1)
    assert housekeeping.expire_stale_sessions(now=hours_later) == 1
    session.refresh_from_db()
    assert session.state == SessionState.EXPIRED


def test_a_long_quiet_call_with_someone_still_connected_is_not_expired(people):
    session, _, token = session_with_link(people.alice)
    caller_consents(token)
    hours_later = timezone.now() + housekeeping.ABANDONED_AFTER + timedelta(minutes=1)
    Participant.objects.create(
        session=session, role="staff", user=people.alice, channel_name="x", last_seen=hours_later
    )
    assert housekeeping.expire_stale_sessions(now=hours_later) == 0
    session.refresh_from_db()
    assert session.state != SessionState.EXPIRED


def test_the_beat_task_runs_the_same_rule(people):
    from video.tasks import expire_stale_sessions

    session, _, _ = session_with_link(people.alice)
    expire_links(session)
    assert expire_stale_sessions.delay().get() == 1
