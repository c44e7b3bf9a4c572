"""Booked video calls: the link goes out shortly before the slot, inside the safe times, and
works only around the slot; the specialist is reminded; a missed call becomes a callback."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from followups import appointments
from followups.appointments import LINK_LEAD, MISSED_AFTER
from followups.dispatch import dispatch_due
from followups.models import Appointment, AppointmentStatus, FollowUp, FollowUpKind, FollowUpStatus
from response_platform.sms.models import OutboxMessage
from tests.followups.helpers import WEEKDAY_MORNINGS, committed, followable_case, next_weekday
from tests.personas import verified_client
from video.models import EventKind, JoinLink, SessionEvent, SessionState
from video.presence import DEVICE_COOKIE

MOBILE_BROWSER = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/130.0 Mobile Safari/537.36"


def book_and_send(case, by, starts_at, *, booked_at=None):
    """Book a slot, then run the dispatcher at the moment the link falls due."""
    appointment = appointments.book(case, by=by, starts_at=starts_at, now=booked_at or starts_at - timedelta(hours=1))
    with committed():
        dispatch_due(now=starts_at - LINK_LEAD)
    appointment.refresh_from_db()
    return appointment


def token_from_outbox() -> str:
    return OutboxMessage.objects.latest("created_at").body.rsplit("/j/", 1)[1].split()[0]


def open_link(client, token):
    return client.get(f"/j/{token}", headers={"User-Agent": MOBILE_BROWSER})


def test_the_link_is_texted_ten_minutes_before_the_slot(people):
    case = followable_case(people.alice, contact_windows=WEEKDAY_MORNINGS)
    starts_at = next_weekday(1, time(10, 30))
    appointment = appointments.book(case, by=people.alice, starts_at=starts_at)
    with committed():
        dispatch_due(now=starts_at - LINK_LEAD - timedelta(minutes=1))
    assert not OutboxMessage.objects.exists()
    with committed():
        dispatch_due(now=starts_at - LINK_LEAD)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.LINK_SENT
    assert appointment.session.scheduled_for == starts_at
    link = JoinLink.objects.get(session=appointment.session)
    assert link.valid_from == starts_at - LINK_LEAD
    assert link.expires_at == starts_at + MISSED_AFTER
    assert "/j/" in OutboxMessage.objects.get().body
    assert FollowUp.objects.get(kind=FollowUpKind.APPOINTMENT_LINK).sms == link.sms


def test_the_text_says_how_long_the_link_works(people):
    case = followable_case(people.alice)
    starts_at = timezone.now() + LINK_LEAD
    appointments.book(case, by=people.alice, starts_at=starts_at, now=starts_at - timedelta(hours=1))
    with committed():
        dispatch_due()
    # Ten minutes before the slot until fifteen after it.
    assert "It works for 25 minutes" in OutboxMessage.objects.get().body


def test_it_refuses_to_book_a_slot_whose_link_would_go_out_outside_the_safe_times(people):
    case = followable_case(people.alice, contact_windows=WEEKDAY_MORNINGS)
    client = verified_client(people.alice)
    nine_oh_five = next_weekday(1, time(9, 5))  # the link would go at 08:55
    response = client.post(
        f"/cases/{case.pk}/video-calls/new/", {"starts_at": nine_oh_five.strftime("%Y-%m-%dT%H:%M"), "minutes": 30}
    )
    assert response.status_code == 200
    assert "outside the caller&#x27;s safe contact times" in response.content.decode()
    assert not Appointment.objects.exists()


def test_the_specialist_books_a_call_from_the_page(people):
    case = followable_case(people.alice, contact_windows=WEEKDAY_MORNINGS)
    client = verified_client(people.alice)
    starts_at = next_weekday(2, time(11, 0))
    response = client.post(
        f"/cases/{case.pk}/video-calls/new/", {"starts_at": starts_at.strftime("%Y-%m-%dT%H:%M"), "minutes": 30}
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.starts_at, appointment.status, appointment.booked_by) == (starts_at, "booked", people.alice)
    kinds = dict(FollowUp.objects.values_list("kind", "due_at"))
    assert kinds == {
        FollowUpKind.APPOINTMENT_LINK: starts_at - LINK_LEAD,
        FollowUpKind.APPOINTMENT_REMINDER: starts_at,
        FollowUpKind.APPOINTMENT_CHECK: starts_at + MISSED_AFTER,
    }
    assert "Booked" in client.get(f"/cases/{case.pk}/panels/followups/").content.decode()


def test_it_refuses_to_book_without_follow_up_consent(people):
    case = followable_case(people.alice, decision=None)
    with pytest.raises(ValidationError):
        appointments.book(case, by=people.alice, starts_at=timezone.now() + timedelta(hours=1))
    assert not Appointment.objects.exists()


def test_the_link_is_refused_before_it_opens_and_not_bound_to_that_phone(people, client):
    case = followable_case(people.alice)
    starts_at = timezone.now() + timedelta(hours=2)
    book_and_send(case, people.alice, starts_at)
    token = token_from_outbox()
    response = open_link(client, token)
    assert response.status_code == 404
    assert DEVICE_COOKIE not in response.cookies
    assert JoinLink.objects.get().redeemed_at is None


def test_the_link_works_around_the_slot(people, client):
    case = followable_case(people.alice)
    starts_at = timezone.now() + timedelta(minutes=5)
    book_and_send(case, people.alice, starts_at)
    response = open_link(client, token_from_outbox())
    assert response.status_code == 302
    assert JoinLink.objects.get().redeemed_at is not None


def test_the_link_is_refused_after_the_window(people, client):
    case = followable_case(people.alice)
    starts_at = timezone.now() - MISSED_AFTER - timedelta(minutes=1)
    book_and_send(case, people.alice, starts_at)
    response = open_link(client, token_from_outbox())
    assert response.status_code == 404
    assert JoinLink.objects.get().redeemed_at is None


def test_the_specialist_is_reminded_at_the_slot(people):
    case = followable_case(people.alice)
    starts_at = next_weekday(3, time(14, 0))
    appointment = book_and_send(case, people.alice, starts_at)
    dispatch_due(now=starts_at)
    reminder = FollowUp.objects.get(kind=FollowUpKind.APPOINTMENT_REMINDER)
    assert reminder.status == FollowUpStatus.SENT
    panel = verified_client(people.alice).get(f"/cases/{case.pk}/panels/followups/").content.decode()
    assert "Due now" in panel and f"/sessions/{appointment.session_id}/" in panel


def test_a_missed_call_becomes_a_callback_for_the_specialist(people):
    case = followable_case(people.alice)
    starts_at = next_weekday(3, time(14, 0))
    appointment = book_and_send(case, people.alice, starts_at)
    dispatch_due(now=starts_at + MISSED_AFTER)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.MISSED
    callback = FollowUp.objects.get(kind=FollowUpKind.CALLBACK)
    assert (callback.created_by, callback.status, callback.appointment) == (people.alice, "sent", appointment)
    client = verified_client(people.alice)
    assert "Missed" in client.get(f"/cases/{case.pk}/panels/followups/").content.decode()
    assert case.incident_reference in client.get("/follow-ups/").content.decode()


def test_a_call_that_took_place_is_not_missed(people):
    case = followable_case(people.alice)
    starts_at = next_weekday(3, time(14, 0))
    appointment = book_and_send(case, people.alice, starts_at)
    session = appointment.session
    SessionEvent.objects.create(case=case, session=session, kind=EventKind.JOINED, detail="Caller")
    SessionEvent.objects.create(case=case, session=session, kind=EventKind.JOINED, actor=people.alice)
    dispatch_due(now=starts_at + MISSED_AFTER)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.JOINED
    assert not FollowUp.objects.filter(kind=FollowUpKind.CALLBACK).exists()


def test_a_caller_who_waited_alone_counts_as_missed(people):
    case = followable_case(people.alice)
    starts_at = next_weekday(3, time(14, 0))
    appointment = book_and_send(case, people.alice, starts_at)
    SessionEvent.objects.create(case=case, session=appointment.session, kind=EventKind.JOINED, detail="Caller")
    dispatch_due(now=starts_at + MISSED_AFTER)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.MISSED


def test_cancelling_a_call_cancels_what_is_to_come_and_ends_the_session(people):
    case = followable_case(people.alice)
    starts_at = next_weekday(3, time(14, 0))
    appointment = book_and_send(case, people.alice, starts_at)
    client = verified_client(people.alice)
    assert client.post(f"/video-calls/{appointment.pk}/cancel/").status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.session.state == SessionState.ENDED
    assert JoinLink.objects.get().revoked_at is not None
    statuses = dict(FollowUp.objects.values_list("kind", "status"))
    assert statuses[FollowUpKind.APPOINTMENT_LINK] == FollowUpStatus.SENT
    assert statuses[FollowUpKind.APPOINTMENT_REMINDER] == FollowUpStatus.CANCELLED
    assert statuses[FollowUpKind.APPOINTMENT_CHECK] == FollowUpStatus.CANCELLED
    dispatch_due(now=starts_at + MISSED_AFTER)
    assert not FollowUp.objects.filter(kind=FollowUpKind.CALLBACK).exists()


def test_a_call_cancelled_before_its_link_sends_nothing(people):
    case = followable_case(people.alice)
    starts_at = next_weekday(3, time(14, 0))
    appointment = appointments.book(case, by=people.alice, starts_at=starts_at)
    appointments.cancel(appointment, by=people.alice)
    with committed():
        dispatch_due(now=starts_at + MISSED_AFTER)
    assert not OutboxMessage.objects.exists()


def test_another_forces_specialist_cannot_cancel_a_booked_call(people):
    case = followable_case(people.alice)
    appointment = appointments.book(case, by=people.alice, starts_at=next_weekday(3, time(14, 0)))
    assert verified_client(people.olivia).post(f"/video-calls/{appointment.pk}/cancel/").status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
