"""The support-service portal: the inbox, a referral's page and every step a support worker takes."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from referrals import services
from referrals.models import Referral, ReferralEventKind, ReferralStatus, ServiceKind
from response_platform.accounts.models import Role
from tests.personas import make_service, make_user, open_case, verified_client
from tests.referrals.referring import (
    DASH_NOTE,
    assess,
    refer,
    with_contact_details,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(people):
    case = with_contact_details(open_case(people.alice, reference="INC-5150"))
    assess(case, people.alice, yes=15)
    return refer(case, people.service_a, people.alice)


@pytest.fixture
def sid(people):
    return verified_client(people.sid)


def url(referral, step: str = "") -> str:
    return f"/portal/referrals/{referral.pk}/" + (f"{step}/" if step else "")


def worker(username: str, service):
    return make_user(username, None, Role.SUPPORT_WORKER, service)


def kinds(referral) -> list[str]:
    return [e.kind for e in referral.events.all()]


def test_the_inbox_lists_the_services_referrals_with_the_time_left_to_acknowledge(people, referral, sid):
    page = sid.get("/portal/").content.decode()

    assert f'href="{url(referral)}"' in page
    assert "From Force A" in page and "Acknowledge by" in page and "High" in page
    assert 'data-watch-socket="/ws/portal/"' in page and 'data-panel="inbox"' in page


def test_the_inbox_puts_overdue_referrals_first_and_shows_escalation(people, referral, sid):
    late = refer(open_case(people.alice, reference="INC-0002"), people.service_a, people.alice)
    Referral.objects.filter(pk=late.pk).update(
        sla_due_at=timezone.now() - timedelta(minutes=30), escalation_level=1, escalated_at=timezone.now()
    )

    page = sid.get("/portal/panels/inbox/").content.decode()

    assert page.index(f"inbox-{late.pk}") < page.index(f"inbox-{referral.pk}")
    late_row = page.split(f"inbox-{late.pk}")[1].split("</tr>")[0]
    assert 'data-overdue="true"' in late_row and "overdue by" in late_row and "Escalated" in late_row


def test_the_inbox_costs_the_same_queries_for_one_referral_or_twenty(people, sid):
    case = open_case(people.alice)
    refer(case, people.service_a, people.alice)
    with CaptureQueriesContext(connection) as one:
        assert sid.get("/portal/").status_code == 200
    for n in range(19):
        refer(open_case(people.alice, reference=f"INC-{n}"), people.service_a, people.alice)
    with CaptureQueriesContext(connection) as twenty:
        page = sid.get("/portal/").content.decode()

    assert page.count('class="open-referral"') == 20
    assert len(twenty) == len(one)


def test_the_referral_page_shows_what_was_shared_and_nothing_of_the_case(people, referral, sid):
    page = sid.get(url(referral)).content.decode()

    assert "+447700900123" in page and DASH_NOTE in page and "Mon, Tue, Wed, Thu, Fri 09:00–12:00" in page
    assert f"/cases/{referral.case_id}" not in page
    assert 'id="acknowledge"' in page and 'id="accept"' in page


def test_a_refuge_sees_neither_the_dash_answers_nor_the_police_reference(people):
    case = with_contact_details(open_case(people.alice, reference="INC-5150"))
    assess(case, people.alice, yes=15)
    referral = refer(case, people.service_b, people.alice)

    page = verified_client(people.sue).get(url(referral)).content.decode()

    assert "+447700900123" in page
    assert DASH_NOTE not in page and "INC-5150" not in page


def test_acknowledging_stamps_the_time_and_tells_the_specialist(people, referral, sid):
    response = sid.post(url(referral, "acknowledge"))

    assert response.status_code == 302 and response.url == url(referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACKNOWLEDGED and referral.acknowledged_at is not None
    assert kinds(referral)[-1] == ReferralEventKind.ACKNOWLEDGED
    panel = verified_client(people.alice).get(f"/cases/{referral.case_id}/panels/referrals/").content.decode()
    assert 'data-status="acknowledged"' in panel and "Acknowledged" in panel


def test_accepting_a_new_referral_acknowledges_it_too(people, referral, sid):
    sid.post(url(referral, "accept"))

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.acknowledged_at is not None and referral.accepted_at is not None
    assert kinds(referral)[-2:] == [ReferralEventKind.ACKNOWLEDGED, ReferralEventKind.ACCEPTED]


def test_acknowledging_twice_makes_one_event_and_says_so(people, referral, sid):
    sid.post(url(referral, "acknowledge"))
    page = sid.post(url(referral, "acknowledge"), follow=True).content.decode()

    assert kinds(referral).count(ReferralEventKind.ACKNOWLEDGED) == 1
    assert "already" in page


def test_two_workers_acknowledging_at_once_make_one_change(people, referral):
    colleague = worker("sam", people.service_a)
    # Both pressed on a page showing "sent": each holds the referral as it was then.
    mine, theirs = Referral.objects.get(pk=referral.pk), Referral.objects.get(pk=referral.pk)

    services.acknowledge(mine, by=people.sid)
    with pytest.raises(services.TransitionRefused):
        services.acknowledge(theirs, by=colleague)

    assert kinds(referral).count(ReferralEventKind.ACKNOWLEDGED) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_pressing_acknowledge_in_the_same_instant_make_one_event(people):
    # No risk assessment here: a transactional test may run after another emptied the questionnaire.
    referral = refer(open_case(people.alice), people.service_a, people.alice)
    colleague = worker("sam", people.service_a)
    start = threading.Barrier(2)
    outcomes = []

    def press(user):
        try:
            shown = Referral.objects.get(pk=referral.pk)
            start.wait()
            services.acknowledge(shown, by=user)
            outcomes.append("acknowledged")
        except services.TransitionRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(user,)) for user in (people.sid, colleague)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["acknowledged", "refused"]
    assert kinds(referral).count(ReferralEventKind.ACKNOWLEDGED) == 1


def test_declining_needs_a_reason_that_the_specialist_then_sees(people, referral, sid):
    empty = sid.post(url(referral, "decline"), {"text": " "})
    assert empty.status_code == 400 and "Give the reason" in empty.content.decode()

    sid.post(url(referral, "decline"), {"text": "Outside our area"})

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED and referral.decline_reason == "Outside our area"
    panel = verified_client(people.alice).get(f"/cases/{referral.case_id}/panels/referrals/").content.decode()
    assert "Outside our area" in panel


def test_a_failed_contact_attempt_is_logged_and_a_successful_one_moves_to_contacted(people, referral, sid):
    sid.post(url(referral, "accept"))

    sid.post(url(referral, "contact"), {"text": "Rang at 09:30, voicemail", "outcome": "none"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    sid.post(url(referral, "contact"), {"text": "Spoke to her at 10:15", "outcome": "made"})
    referral.refresh_from_db()

    assert referral.status == ReferralStatus.CONTACTED
    notes = [e.note for e in referral.events.filter(kind=ReferralEventKind.CONTACT_ATTEMPT)]
    assert notes == ["No contact: Rang at 09:30, voicemail", "Contact made: Spoke to her at 10:15"]


def test_contact_attempts_wait_for_acceptance(people, referral, sid):
    response = sid.post(url(referral, "contact"), {"text": "Rang", "outcome": "made"})

    assert response.status_code == 400 and "Accept the referral" in response.content.decode()


def test_closing_records_the_outcome(people, referral, sid):
    sid.post(url(referral, "accept"))

    sid.post(url(referral, "close"), {"text": "Safety plan agreed; support ongoing"})

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CLOSED and referral.closed_at is not None
    assert referral.events.last().note == "Safety plan agreed; support ongoing"


def test_a_new_referral_cannot_be_closed(people, referral, sid):
    assert sid.post(url(referral, "close"), {"text": "Done"}).status_code == 400
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_the_worker_and_the_specialist_write_to_each_other(people, referral, sid):
    alice = verified_client(people.alice)
    thread = f"/cases/{referral.case_id}/referrals/{referral.pk}/"

    sid.post(url(referral, "messages"), {"body": "Is the morning still safe?"})
    alice.post(thread + "messages/", {"body": "Yes, before 12"})

    assert "Is the morning still safe?" in alice.get(thread).content.decode()
    assert "Yes, before 12" in sid.get(url(referral)).content.decode()
    assert [m.author for m in referral.messages.all()] == [people.sid, people.alice]


def test_an_empty_message_is_not_sent(people, referral, sid):
    page = sid.post(url(referral, "messages"), {"body": "  "}, follow=True).content.decode()

    assert "Write a message" in page and not referral.messages.exists()


def test_the_referral_page_watches_its_own_socket(people, referral, sid):
    page = sid.get(url(referral)).content.decode()

    assert f'data-watch-socket="/ws/portal/referrals/{referral.pk}/"' in page
    assert sid.get(url(referral, "panels/referral")).status_code == 200
    assert sid.get(url(referral, "panels/inbox")).status_code == 404


def test_a_marac_coordinator_sees_that_consent_was_not_given_and_why(people):
    marac = make_service("Northshire MARAC", ServiceKind.MARAC, people.force_a)
    coordinator = worker("mia", marac)
    reason = "Threats to kill"
    case = open_case(people.alice)
    referral = services.make_referral(
        case, marac, by=people.alice, consent_method="", consented=False, without_consent_reason=reason
    )

    page = verified_client(coordinator).get(url(referral)).content.decode()

    assert "professional judgement" in page and "Threats to kill" in page
    assert "+447700900123" not in page
