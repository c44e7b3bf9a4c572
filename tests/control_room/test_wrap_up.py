"""Ending a call asks for its outcome; the case page keeps a checklist of what is still to do."""

import pytest
from django.test import Client

from control_room import services as wrap_up
from control_room.models import CallOutcome, ChecklistItem, WrapUp
from followups import consent
from response_platform.audit.models import AuditEvent
from tests.control_room.helpers import a_session
from tests.personas import session_with_link, verified_client
from tests.referrals.dash import ensure_dash_questionnaire
from tests.referrals.referring import assess, refer
from video.models import ConsentDecision, EventKind, SessionState

SEEDED = ["Advice given, caller safe", "Police attendance requested", "Referred to support services"]


def outcome(label: str) -> CallOutcome:
    return CallOutcome.objects.get(label=label, force=None)


def panel(client, case) -> str:
    return client.get(f"/cases/{case.pk}/panels/wrapup/").content.decode()


def test_ending_a_call_takes_the_specialist_to_the_outcome_question(people):
    session, _, _ = session_with_link(people.alice)
    response = verified_client(people.alice).post(f"/sessions/{session.pk}/end/", follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/control-room/sessions/{session.pk}/wrap-up/"
    assert "What was the outcome of the call?" in page
    for label in SEEDED:
        assert label in page
    # What is still to do, as a checklist.
    assert "Start the risk assessment" in page and "Make a referral" in page and "Schedule follow-ups" in page


def test_the_outcome_lands_in_the_session_record_and_the_audit_trail(people):
    session = a_session(people.alice, "ended")
    client = verified_client(people.alice)
    chosen = outcome("Police attendance requested")

    response = client.post(f"/control-room/sessions/{session.pk}/wrap-up/", {"outcome": chosen.pk})

    assert response.status_code == 302 and response["Location"] == f"/cases/{session.case_id}/"
    assert WrapUp.objects.get(session=session).outcome == chosen
    event = session.events.get(kind=EventKind.OUTCOME_RECORDED)
    assert (event.detail, event.actor) == ("Police attendance requested", people.alice)
    assert AuditEvent.objects.filter(
        action="collection", object_type="control_room.wrapup", case_id=session.case_id, actor=people.alice
    ).exists()
    record_page = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "Outcome recorded" in record_page and "Police attendance requested" in record_page


def test_a_second_answer_changes_nothing(people):
    session = a_session(people.alice, "ended")
    client = verified_client(people.alice)
    url = f"/control-room/sessions/{session.pk}/wrap-up/"
    client.post(url, {"outcome": outcome("Caller disconnected").pk})
    client.post(url, {"outcome": outcome("No contact made").pk})
    assert WrapUp.objects.get(session=session).outcome.label == "Caller disconnected"
    assert session.events.filter(kind=EventKind.OUTCOME_RECORDED).count() == 1
    assert "Outcome recorded: Caller disconnected" in client.get(url).content.decode()


def test_no_outcome_is_refused_with_a_message(people):
    session = a_session(people.alice, "ended")
    response = verified_client(people.alice).post(f"/control-room/sessions/{session.pk}/wrap-up/", {})
    assert response.status_code == 400
    assert "Choose the outcome of the call." in response.content.decode()
    assert not WrapUp.objects.exists()


def test_each_force_is_offered_its_own_outcomes_and_the_shared_ones(people):
    ours = CallOutcome.objects.create(force=people.force_a, label="Handed to the neighbourhood team")
    theirs = CallOutcome.objects.create(force=people.force_b, label="Passed to the Force B hub")
    retired = CallOutcome.objects.create(force=people.force_a, label="Old wording", active=False)
    session = a_session(people.alice, "ended")
    client = verified_client(people.alice)
    page = client.get(f"/control-room/sessions/{session.pk}/wrap-up/").content.decode()
    assert ours.label in page and SEEDED[0] in page
    assert theirs.label not in page and retired.label not in page

    response = client.post(f"/control-room/sessions/{session.pk}/wrap-up/", {"outcome": theirs.pk})
    assert response.status_code == 400 and not WrapUp.objects.exists()


def test_a_call_still_running_has_no_outcome_yet(people):
    session = a_session(people.alice, "in_call")
    with pytest.raises(wrap_up.WrapUpError):
        wrap_up.record_outcome(session, outcome_id=outcome(SEEDED[0]).pk, by=people.alice)
    page = verified_client(people.alice).get(f"/control-room/sessions/{session.pk}/wrap-up/").content.decode()
    assert "This call has not ended" in page
    session.refresh_from_db()
    assert session.state == SessionState.IN_CALL


def test_the_checklist_on_the_case_follows_the_real_records(people):
    ensure_dash_questionnaire()
    session = a_session(people.alice, "ended")
    case = session.case
    client = verified_client(people.alice)
    html = panel(client, case)
    assert "has no outcome yet" in html
    assert "☐ Risk assessment" in html and "☐ Referrals" in html and "☐ Follow-ups" in html

    wrap_up.record_outcome(session, outcome_id=outcome(SEEDED[0]).pk, by=people.alice)
    assess(case, people.alice)
    consent.record_verbal(case, by=people.alice, decision=ConsentDecision.REFUSED, language="en-gb")
    html = panel(client, case)
    assert "has no outcome yet" not in html
    assert "✔ Risk assessment done" in html
    assert "✔ No follow-up (declined or not needed)" in html  # the caller refused further contact
    assert "☐ Referrals" in html

    refer(case, people.service_a, people.alice)
    assert "✔ Referral made" in panel(client, case)


def test_no_referral_needed_can_be_decided_from_the_case_page(people):
    session = a_session(people.alice, "ended")
    client = verified_client(people.alice)
    response = client.post(f"/control-room/cases/{session.case_id}/checklist/{ChecklistItem.REFERRALS}/")
    assert response.status_code == 302
    assert "✔ No referral needed" in panel(client, session.case)
    # A call handler watches but does not settle the case's work.
    carol = verified_client(people.carol)
    assert carol.post(f"/control-room/cases/{session.case_id}/checklist/follow_ups/").status_code == 403
    assert 'id="no-follow-up-needed"' not in panel(carol, session.case)


def test_the_case_page_shows_the_checklist_panel(people):
    session = a_session(people.alice, "ended")
    page = verified_client(people.alice).get(f"/cases/{session.case_id}/").content.decode()
    assert 'data-panel="wrapup"' in page and "Wrap-up checklist" in page


def test_another_forces_specialist_cannot_wrap_up(people):
    session = a_session(people.alice, "ended")
    olivia = verified_client(people.olivia)
    response = olivia.post(f"/control-room/sessions/{session.pk}/wrap-up/", {"outcome": outcome(SEEDED[0]).pk})
    assert response.status_code == 404
    assert not WrapUp.objects.exists()
    assert Client().get(f"/control-room/sessions/{session.pk}/wrap-up/").status_code == 302


def test_the_call_page_reloading_as_the_call_ends_goes_on_to_wrap_up_once(people):
    # The call page reloads itself when its socket hears the session closed, which can
    # cancel the end button's redirect: that reload lands on wrap-up instead, once.
    session, _, _ = session_with_link(people.alice)
    client = verified_client(people.alice)
    client.post(f"/sessions/{session.pk}/end/")
    reloaded = client.get(f"/sessions/{session.pk}/")
    assert reloaded.status_code == 302 and reloaded["Location"] == f"/control-room/sessions/{session.pk}/wrap-up/"
    assert client.get(f"/sessions/{session.pk}/").status_code == 200


def test_reaching_wrap_up_first_leaves_the_session_page_alone(people):
    session, _, _ = session_with_link(people.alice)
    client = verified_client(people.alice)
    client.post(f"/sessions/{session.pk}/end/", follow=True)
    assert client.get(f"/sessions/{session.pk}/").status_code == 200
