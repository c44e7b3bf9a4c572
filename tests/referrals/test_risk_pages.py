"""The risk assessment pages and the case-page panel, through HTTP as a browser sees them."""

import pytest

from referrals import risk
from referrals.models import RiskAssessment
from tests.personas import open_case, verified_client
from tests.referrals.test_risk_scoring import answers

pytestmark = pytest.mark.django_db

DASH_QUESTIONS = 24


def form_data(*, yes: int = 0, not_known: int = 0, notes: dict[int, str] | None = None, **fields) -> dict:
    """What the edit form posts: one radio and one note per question, then the MARAC fields."""
    data = {"police_callouts_12_months": "0", "notes": ""}
    for number, entry in answers(yes=yes, not_known=not_known, notes=notes).items():
        data[f"q{number}"] = entry["answer"]
        data[f"q{number}_note"] = entry["note"]
    data.update(fields)
    return data


def edit_url(case) -> str:
    return f"/cases/{case.pk}/risk/"


def version_url(case, version: int) -> str:
    return f"/cases/{case.pk}/risk/v{version}/"


def panel_url(case) -> str:
    return f"/cases/{case.pk}/panels/risk/"


def saved(case, by, **fields) -> RiskAssessment:
    fields.setdefault("answers", answers())
    return risk.save_assessment(case, by=by, **fields)


def test_a_specialist_saves_an_assessment_and_returns_to_the_case(people):
    case = open_case(people.alice)
    client = verified_client(people.alice)
    response = client.post(edit_url(case), form_data(yes=15, notes={3: "Afraid for the children"}))
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    assessment = RiskAssessment.objects.get(case=case)
    assert (assessment.version, assessment.level, assessment.yes_count) == (1, "high", 15)
    assert assessment.answers["3"]["note"] == "Afraid for the children"
    assert assessment.completed_by == people.alice
    page = client.get(response["Location"]).content.decode()
    assert "Risk assessment saved as version 1: High, 15 of 24 yes." in page


def test_the_form_has_a_labelled_radio_group_per_question(people):
    case = open_case(people.alice)
    page = verified_client(people.alice).get(edit_url(case)).content.decode()
    assert page.count('<fieldset class="question') == DASH_QUESTIONS
    assert "<legend>1. Has the current incident resulted in injury?</legend>" in page
    assert '<label class="choice" for="id_q1_0"><input type="radio" name="q1" value="yes"' in page
    assert "Not known</label>" in page
    assert '<label class="note-label" for="id_q24_note">' in page
    assert "on question 24" in page
    assert 'name="police_callouts_12_months"' in page
    assert 'name="professional_judgement_reason"' in page


def test_the_form_is_prefilled_from_the_current_version(people):
    case = open_case(people.alice)
    saved(case, people.alice, answers=answers(yes=2, notes={2: "Very frightened of him"}), police_callouts_12_months=4)
    page = verified_client(people.alice).get(edit_url(case)).content.decode()
    assert 'name="q2" value="yes" id="id_q2_0" required checked' in page
    assert 'name="q3" value="no" id="id_q3_1" required checked' in page
    assert 'name="q3" value="yes" id="id_q3_0" required>' in page
    assert "Very frightened of him</textarea>" in page
    assert 'name="police_callouts_12_months" value="4"' in page
    assert "Saving makes version 2; version 1 stays as it was." in page


def test_a_second_save_makes_version_2_and_version_1_stays_readable_as_it_was(people):
    case = open_case(people.alice)
    client = verified_client(people.alice)
    client.post(edit_url(case), form_data(yes=9, notes={1: "Bruised wrist"}))
    client.post(edit_url(case), form_data(yes=14, notes={1: "Bruised wrist and ribs"}))
    assert list(RiskAssessment.objects.filter(case=case).values_list("version", flat=True)) == [2, 1]
    first = client.get(version_url(case, 1)).content.decode()
    assert "This is an earlier version." in first
    assert "Standard</strong> · 9 of 24 yes" in first
    assert "Bruised wrist<" in first
    assert "Bruised wrist and ribs" not in first
    second = client.get(version_url(case, 2)).content.decode()
    assert "High</strong> · 14 of 24 yes" in second
    assert "This is an earlier version." not in second


def test_professional_judgement_without_a_reason_is_refused_with_a_clear_error(people):
    case = open_case(people.alice)
    response = verified_client(people.alice).post(
        edit_url(case), form_data(yes=4, professional_judgement="on", professional_judgement_reason="")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Give the reason for referring on professional judgement." in page
    assert 'href="#id_professional_judgement_reason"' in page
    assert not RiskAssessment.objects.exists()


def test_an_unanswered_question_is_refused_and_named(people):
    case = open_case(people.alice)
    data = form_data(yes=4)
    del data["q5"]
    data["police_callouts_12_months"] = "-1"
    page = verified_client(people.alice).post(edit_url(case), data).content.decode()
    assert "Answer question 5: yes, no or not known." in page
    assert 'href="#id_q5_0"' in page
    assert page.index('href="#id_q5_0"') < page.index('href="#id_police_callouts_12_months"')
    assert 'id="id_q5_error"' in page
    assert not RiskAssessment.objects.exists()


def test_call_outs_over_99_are_refused(people):
    case = open_case(people.alice)
    page = verified_client(people.alice).post(edit_url(case), form_data(police_callouts_12_months="100")).content
    assert b"Ensure this value is less than or equal to 99." in page
    assert not RiskAssessment.objects.exists()


def test_a_specialist_of_another_force_gets_404_for_every_risk_page(people):
    case = open_case(people.alice)
    saved(case, people.alice)
    client = verified_client(people.olivia)
    assert client.get(edit_url(case)).status_code == 404
    assert client.post(edit_url(case), form_data(yes=14)).status_code == 404
    assert client.get(version_url(case, 1)).status_code == 404
    assert client.get(panel_url(case)).status_code == 404
    assert RiskAssessment.objects.count() == 1


def test_a_call_handler_can_read_the_assessment_but_not_save_one(people):
    case = open_case(people.alice)
    saved(case, people.alice, answers=answers(yes=11))
    client = verified_client(people.carol)
    assert client.get(version_url(case, 1)).status_code == 200
    panel = client.get(panel_url(case)).content.decode()
    assert "Medium</strong> · 11 of 24 yes" in panel
    assert f'href="{edit_url(case)}"' not in panel
    assert client.get(edit_url(case)).status_code == 403
    assert client.post(edit_url(case), form_data(yes=20)).status_code == 403
    assert RiskAssessment.objects.count() == 1


def test_a_support_worker_gets_403_for_the_risk_pages(people):
    case = open_case(people.alice)
    saved(case, people.alice)
    client = verified_client(people.sid)
    assert client.get(version_url(case, 1)).status_code == 403
    assert client.get(edit_url(case)).status_code == 403
    assert client.post(edit_url(case), form_data(yes=14)).status_code == 403


def test_a_version_that_does_not_exist_is_404(people):
    case = open_case(people.alice)
    assert verified_client(people.alice).get(version_url(case, 1)).status_code == 404


def test_the_panel_shows_level_criteria_version_and_links(people):
    case = open_case(people.alice)
    saved(case, people.alice, answers=answers(yes=8))
    saved(
        case,
        people.bob,
        answers=answers(yes=15),
        professional_judgement=True,
        professional_judgement_reason="Threats to the children",
        police_callouts_12_months=3,
    )
    response = verified_client(people.alice).get(panel_url(case))
    assert response.status_code == 200
    panel = response.content.decode()
    assert "High</strong> · 15 of 24 yes" in panel
    assert "<li>Visible high risk (15 yes)</li>" in panel
    assert "<li>Professional judgement</li>" in panel
    assert "<li>Potential escalation (3 police call-outs in 12 months)</li>" in panel
    assert "Version 2, saved" in panel and "by bob." in panel
    assert f'href="{edit_url(case)}"' in panel
    assert f'href="{version_url(case, 1)}">v1</a>' in panel
    # The reason is for the assessment page, not a panel on a shared screen.
    assert "Threats to the children" not in panel


def test_before_any_assessment_the_case_page_offers_to_start_one(people):
    case = open_case(people.alice)
    page = verified_client(people.alice).get(f"/cases/{case.pk}/").content.decode()
    assert "Not started yet." in page
    assert f'href="{edit_url(case)}">Start the risk assessment (DASH)</a>' in page


def test_risk_pages_are_never_cached(people):
    case = open_case(people.alice)
    saved(case, people.alice)
    client = verified_client(people.alice)
    for url in (edit_url(case), version_url(case, 1)):
        assert "no-store" in client.get(url)["Cache-Control"]
