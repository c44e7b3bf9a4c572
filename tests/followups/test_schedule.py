"""The specialist schedules, moves and cancels follow-ups, records consent and safe contact times."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from followups.models import FollowUp, FollowUpKind, FollowUpStatus
from response_platform.cases.models import Case
from tests.followups.helpers import LONDON, WEEKDAY_MORNINGS, followable_case, next_weekday
from tests.personas import open_case, verified_client
from video.models import ConsentDecision, ConsentMethod, ConsentRecord, ConsentScope


def local_input(when: datetime) -> str:
    return when.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")


def schedule(client, case, kind, when):
    return client.post(f"/cases/{case.pk}/follow-ups/new/", {"kind": kind, "due_at": local_input(when)})


def test_it_schedules_a_check_in_text_inside_the_safe_times(people):
    case = followable_case(people.alice, contact_windows=WEEKDAY_MORNINGS)
    when = next_weekday(1, time(10, 30))
    response = schedule(verified_client(people.alice), case, FollowUpKind.CHECK_IN_SMS, when)
    assert response.status_code == 302
    follow_up = FollowUp.objects.get()
    assert (follow_up.kind, follow_up.status, follow_up.due_at) == (FollowUpKind.CHECK_IN_SMS, "scheduled", when)
    assert follow_up.created_by == people.alice


def test_a_check_in_text_outside_the_safe_times_moves_to_the_next_one(people):
    case = followable_case(people.alice, contact_windows=WEEKDAY_MORNINGS)
    client = verified_client(people.alice)
    saturday = next_weekday(5, time(10, 0))
    response = schedule(client, case, FollowUpKind.CHECK_IN_SMS, saturday)
    assert response.status_code == 302
    monday_nine = datetime.combine(saturday.date() + timedelta(days=2), time(9, 0), tzinfo=LONDON)
    assert FollowUp.objects.get().due_at == monday_nine
    page = client.get(response["Location"]).content.decode()
    assert "outside the caller&#x27;s safe contact times" in page


def test_it_refuses_a_check_in_text_without_follow_up_consent(people):
    case = followable_case(people.alice, decision=None)
    response = schedule(verified_client(people.alice), case, FollowUpKind.CHECK_IN_SMS, next_weekday(1, time(10)))
    assert response.status_code == 200
    assert "has not agreed to follow-up contact" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_it_refuses_a_check_in_text_after_consent_was_withdrawn(people):
    case = followable_case(people.alice)
    client = verified_client(people.alice)
    client.post(f"/cases/{case.pk}/follow-ups/consent/", {"decision": "withdrawn", "read_out": "on"})
    response = schedule(client, case, FollowUpKind.CHECK_IN_SMS, next_weekday(1, time(10)))
    assert response.status_code == 200
    assert not FollowUp.objects.exists()


def test_it_refuses_a_check_in_text_with_no_safe_contact_times(people):
    case = followable_case(people.alice, contact_windows=[])
    response = schedule(verified_client(people.alice), case, FollowUpKind.CHECK_IN_SMS, next_weekday(1, time(10)))
    assert "Record the caller&#x27;s safe contact times first" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_a_callback_reminder_needs_no_consent_and_keeps_its_time(people):
    case = open_case(people.alice)
    saturday = next_weekday(5, time(22, 0))
    response = schedule(verified_client(people.alice), case, FollowUpKind.CALLBACK, saturday)
    assert response.status_code == 302
    assert FollowUp.objects.get().due_at == saturday


def test_it_refuses_a_time_in_the_past(people):
    case = open_case(people.alice)
    response = schedule(verified_client(people.alice), case, FollowUpKind.CALLBACK, timezone.now() - timedelta(hours=1))
    assert "Choose a time in the future" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_the_specialist_cancels_a_follow_up(people):
    case = followable_case(people.alice)
    client = verified_client(people.alice)
    schedule(client, case, FollowUpKind.CHECK_IN_SMS, next_weekday(2, time(11)))
    follow_up = FollowUp.objects.get()
    assert client.post(f"/follow-ups/{follow_up.pk}/cancel/").status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.CANCELLED
    panel = client.get(f"/cases/{case.pk}/panels/followups/").content.decode()
    assert "Cancelled" in panel


def test_the_specialist_moves_a_follow_up_and_the_safe_times_still_apply(people):
    case = followable_case(people.alice, contact_windows=WEEKDAY_MORNINGS)
    client = verified_client(people.alice)
    schedule(client, case, FollowUpKind.CHECK_IN_SMS, next_weekday(1, time(10)))
    follow_up = FollowUp.objects.get()
    wednesday = next_weekday(2, time(11, 15))
    assert client.post(f"/follow-ups/{follow_up.pk}/move/", {"due_at": local_input(wednesday)}).status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.due_at == wednesday
    sunday = next_weekday(6, time(11, 15))
    client.post(f"/follow-ups/{follow_up.pk}/move/", {"due_at": local_input(sunday)})
    follow_up.refresh_from_db()
    assert follow_up.due_at == datetime.combine(sunday.date() + timedelta(days=1), time(9), tzinfo=LONDON)


def test_a_sent_follow_up_cannot_be_cancelled(people):
    case = open_case(people.alice)
    follow_up = FollowUp.objects.create(
        case=case, kind=FollowUpKind.CALLBACK, due_at=timezone.now(), status="sent", created_by=people.alice
    )
    client = verified_client(people.alice)
    client.post(f"/follow-ups/{follow_up.pk}/cancel/")
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.SENT


def test_another_forces_specialist_gets_404_for_every_page_and_action(people):
    case = followable_case(people.alice)
    follow_up = FollowUp.objects.create(
        case=case, kind=FollowUpKind.CALLBACK, due_at=timezone.now() + timedelta(days=1), created_by=people.alice
    )
    client = verified_client(people.olivia)
    for url in ("follow-ups/new/", "follow-ups/contact-times/", "follow-ups/consent/", "video-calls/new/"):
        assert client.get(f"/cases/{case.pk}/{url}").status_code == 404, url
    assert client.get(f"/follow-ups/{follow_up.pk}/move/").status_code == 404
    assert client.post(f"/follow-ups/{follow_up.pk}/cancel/").status_code == 404
    assert client.post(f"/follow-ups/{follow_up.pk}/done/").status_code == 404
    assert client.get(f"/cases/{case.pk}/panels/followups/").status_code == 404
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.SCHEDULED


def test_a_call_handler_cannot_schedule_but_sees_the_panel_without_buttons(people):
    case = followable_case(people.alice)
    client = verified_client(people.carol)
    assert client.get(f"/cases/{case.pk}/follow-ups/new/").status_code == 403
    response = schedule(client, case, FollowUpKind.CALLBACK, next_weekday(1, time(10)))
    assert response.status_code == 403
    assert not FollowUp.objects.exists()
    panel = client.get(f"/cases/{case.pk}/panels/followups/").content.decode()
    assert "Granted" in panel
    assert "Schedule a follow-up" not in panel


def test_it_records_verbal_consent_with_the_words_read_out(people):
    case = open_case(people.alice)
    client = verified_client(people.alice)
    page = client.get(f"/cases/{case.pk}/follow-ups/consent/").content.decode()
    assert "reply STOP" in page
    response = client.post(f"/cases/{case.pk}/follow-ups/consent/", {"decision": "granted", "read_out": "on"})
    assert response.status_code == 302
    record = ConsentRecord.objects.get(case=case)
    assert (record.scope, record.method, record.decision) == (
        ConsentScope.FOLLOW_UP_CONTACT,
        ConsentMethod.VERBAL,
        ConsentDecision.GRANTED,
    )
    assert record.recorded_by == people.alice
    assert record.language == "en-gb"
    from followups.consent import NOTICE_VERSION, notice_text
    from response_platform.lib.crypto import sha256_hex

    assert (record.notice_version, record.notice_sha256) == (NOTICE_VERSION, sha256_hex(notice_text()))


def test_consent_is_not_recorded_unless_the_words_were_read(people):
    case = open_case(people.alice)
    response = verified_client(people.alice).post(f"/cases/{case.pk}/follow-ups/consent/", {"decision": "granted"})
    assert response.status_code == 200
    assert not ConsentRecord.objects.exists()


def test_a_withdrawal_is_a_new_record_and_the_latest_wins(people):
    case = followable_case(people.alice)
    client = verified_client(people.alice)
    client.post(f"/cases/{case.pk}/follow-ups/consent/", {"decision": "withdrawn", "read_out": "on"})
    decisions = list(ConsentRecord.objects.filter(case=case).order_by("pk").values_list("decision", flat=True))
    assert decisions == ["granted", "withdrawn"]
    assert "Withdrawn" in client.get(f"/cases/{case.pk}/panels/followups/").content.decode()


def test_it_saves_safe_contact_times_and_notes(people):
    case = open_case(people.alice)
    client = verified_client(people.alice)
    data = {"days_0": ["0", "2"], "start_0": "09:00", "end_0": "12:30", "notes": "Not after 6pm"}
    assert client.post(f"/cases/{case.pk}/follow-ups/contact-times/", data).status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert case.contact_windows == [{"days": [0, 2], "start": "09:00", "end": "12:30"}]
    assert case.safe_contact_notes == "Not after 6pm"
    panel = client.get(f"/cases/{case.pk}/panels/followups/").content.decode()
    assert "Mon, Wed 09:00–12:30" in panel
    # The form shows what is saved.
    assert 'value="12:30"' in client.get(f"/cases/{case.pk}/follow-ups/contact-times/").content.decode()


def test_it_refuses_a_safe_time_that_ends_before_it_starts(people):
    case = open_case(people.alice)
    data = {"days_0": ["0"], "start_0": "12:00", "end_0": "09:00", "notes": ""}
    response = verified_client(people.alice).post(f"/cases/{case.pk}/follow-ups/contact-times/", data)
    assert response.status_code == 200
    assert Case.objects.get(pk=case.pk).contact_windows is None


def test_the_case_page_shows_the_follow_ups_panel_with_its_links(people):
    case = followable_case(people.alice)
    client = verified_client(people.alice)
    schedule(client, case, FollowUpKind.CALLBACK, next_weekday(1, time(10)))
    page = client.get(f"/cases/{case.pk}/").content.decode()
    for text in ("Callback reminder", "Schedule a follow-up", "Book a video call", "Edit safe contact times"):
        assert text in page, text
