"""Scoring, versions and MARAC criteria of the risk assessment (referrals.risk)."""

import asyncio
import threading
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from referrals import risk
from referrals.models import Questionnaire, Referral, RiskAssessment, ServiceKind
from response_platform.cases.panels import case_group
from tests.personas import make_service, open_case
from tests.referrals.dash import ensure_dash_questionnaire

pytestmark = pytest.mark.django_db

DASH_QUESTIONS = 24


def answers(*, yes: int = 0, not_known: int = 0, notes: dict[int, str] | None = None) -> dict:
    """Every DASH question answered: the first `yes` yes, the next `not_known` not known, the rest no."""
    notes = notes or {}
    result = {}
    for number in range(1, DASH_QUESTIONS + 1):
        answer = "yes" if number <= yes else "not_known" if number <= yes + not_known else "no"
        result[str(number)] = {"answer": answer, "note": notes.get(number, "")}
    return result


def save(case, by, **fields):
    fields.setdefault("answers", answers())
    return risk.save_assessment(case, by=by, **fields)


def marac_referral(case, by, *, days_ago: int = 30, kind: str = ServiceKind.MARAC) -> Referral:
    service = make_service(f"{kind} {case.pk}", kind, case.force)
    referral = Referral.objects.create(
        case=case, service=service, created_by=by, shared_data={}, sla_due_at=timezone.now()
    )
    # created_at is set on insert; move it back to when the earlier referral was made.
    Referral.objects.filter(pk=referral.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return referral


def test_the_dash_checklist_is_loaded_by_the_migration_with_its_24_questions():
    dash = Questionnaire.objects.get(code="dash", version="2009")
    questions = list(dash.questions.order_by("number"))
    assert dash.is_current
    assert (dash.medium_threshold, dash.high_threshold) == (10, 14)
    assert [q.number for q in questions] == list(range(1, 25))
    assert questions[0].text == "Has the current incident resulted in injury?"
    assert questions[1].text == "Are you very frightened?"
    assert questions[-1].text == (
        "Do you know if the abuser has ever been in trouble with the police or has a criminal history?"
    )
    assert risk.current_questionnaire() == dash


@pytest.mark.parametrize(
    ("yes", "level", "visible_high_risk"),
    [(9, "standard", False), (10, "medium", False), (13, "medium", False), (14, "high", True)],
)
def test_the_level_follows_the_number_of_yes_answers(people, yes, level, visible_high_risk):
    assessment = save(open_case(people.alice), people.alice, answers=answers(yes=yes))
    assert assessment.yes_count == yes
    assert assessment.level == level
    assert assessment.visible_high_risk is visible_high_risk


def test_not_known_answers_do_not_count_as_yes(people):
    assessment = save(open_case(people.alice), people.alice, answers=answers(yes=9, not_known=15))
    assert assessment.yes_count == 9
    assert assessment.level == "standard"


def test_the_thresholds_come_from_the_questionnaire_not_from_code(people):
    Questionnaire.objects.filter(code="dash").update(medium_threshold=4, high_threshold=6)
    assessment = save(open_case(people.alice), people.alice, answers=answers(yes=6))
    assert assessment.level == "high"
    assert assessment.visible_high_risk


def test_a_second_save_is_version_2_and_leaves_version_1_as_it_was(people):
    case = open_case(people.alice)
    save(case, people.alice, answers=answers(yes=3, notes={1: "Bruised arm"}), notes="First call")
    second = save(case, people.bob, answers=answers(yes=15), notes="After the call")
    first = RiskAssessment.objects.get(case=case, version=1)
    assert second.version == 2
    assert (first.yes_count, first.level, first.notes) == (3, "standard", "First call")
    assert first.completed_by == people.alice
    assert first.answers["1"] == {"answer": "yes", "note": "Bruised arm"}
    assert risk.current_assessment(case) == second


def test_versions_are_counted_per_case(people):
    save(open_case(people.alice, reference="INC-1"), people.alice)
    assert save(open_case(people.alice, reference="INC-2"), people.alice).version == 1


def test_no_assessment_yet_means_no_current_assessment(people):
    assert risk.current_assessment(open_case(people.alice)) is None


def test_it_refuses_an_unanswered_question_and_names_it(people):
    incomplete = answers(yes=2)
    del incomplete["7"]
    incomplete["12"] = {"answer": "maybe", "note": ""}
    with pytest.raises(ValidationError) as refused:
        save(open_case(people.alice), people.alice, answers=incomplete)
    assert "Not answered: 7, 12." in refused.value.message_dict["answers"][0]
    assert not RiskAssessment.objects.exists()


def test_it_refuses_professional_judgement_without_a_reason(people):
    with pytest.raises(ValidationError) as refused:
        save(open_case(people.alice), people.alice, professional_judgement=True, professional_judgement_reason="  ")
    assert "professional_judgement_reason" in refused.value.message_dict
    assert not RiskAssessment.objects.exists()


@pytest.mark.parametrize("callouts", [-1, 100])
def test_it_refuses_call_outs_outside_0_to_99(people, callouts):
    with pytest.raises(ValidationError) as refused:
        save(open_case(people.alice), people.alice, police_callouts_12_months=callouts)
    assert "police_callouts_12_months" in refused.value.message_dict


def test_each_marac_criterion_met_is_named(people):
    assessment = save(
        open_case(people.alice),
        people.alice,
        answers=answers(yes=14),
        professional_judgement=True,
        professional_judgement_reason="Escalating threats since the separation",
        police_callouts_12_months=3,
        repeat_referral=True,
    )
    assert risk.marac_criteria(assessment) == [
        "Visible high risk (14 yes)",
        "Professional judgement",
        "Potential escalation (3 police call-outs in 12 months)",
        "Repeat referral within 12 months",
    ]


def test_a_medium_assessment_with_two_call_outs_meets_no_marac_criterion(people):
    assessment = save(open_case(people.alice), people.alice, answers=answers(yes=12), police_callouts_12_months=2)
    assert risk.marac_criteria(assessment) == []


def test_a_reason_given_without_professional_judgement_is_not_kept(people):
    assessment = save(open_case(people.alice), people.alice, professional_judgement_reason="typed then unticked")
    assert assessment.professional_judgement_reason == ""


def test_an_earlier_marac_referral_for_the_same_number_makes_a_repeat_referral(people):
    earlier = open_case(people.alice, phone="07700 900123", reference="INC-1")
    marac_referral(earlier, people.alice, days_ago=200)
    assessment = save(open_case(people.alice, phone="+447700900123", reference="INC-2"), people.alice)
    assert assessment.repeat_referral
    assert "Repeat referral within 12 months" in risk.marac_criteria(assessment)


def test_a_marac_referral_more_than_12_months_ago_is_not_a_repeat(people):
    marac_referral(open_case(people.alice, reference="INC-1"), people.alice, days_ago=400)
    assert not save(open_case(people.alice, reference="INC-2"), people.alice).repeat_referral


def test_a_referral_to_another_kind_of_service_is_not_a_repeat_marac_referral(people):
    marac_referral(open_case(people.alice, reference="INC-1"), people.alice, kind=ServiceKind.IDVA)
    assert not save(open_case(people.alice, reference="INC-2"), people.alice).repeat_referral


def test_a_marac_referral_for_another_number_is_not_a_repeat(people):
    marac_referral(open_case(people.alice, phone="+447700900456", reference="INC-1"), people.alice)
    assert not save(open_case(people.alice, reference="INC-2"), people.alice).repeat_referral


def test_this_cases_own_marac_referral_is_not_a_repeat(people):
    case = open_case(people.alice)
    marac_referral(case, people.alice, days_ago=0)
    assert not save(case, people.alice).repeat_referral


def test_another_forces_marac_referral_is_not_disclosed_as_a_repeat(people):
    marac_referral(open_case(people.olivia, reference="B-1"), people.olivia)
    assert not save(open_case(people.alice, reference="A-1"), people.alice).repeat_referral


def test_the_specialist_can_record_a_repeat_referral_the_system_does_not_know_of(people):
    assert save(open_case(people.alice), people.alice, repeat_referral=True).repeat_referral


def test_answers_are_shared_with_their_questions_and_labels(people):
    assessment = save(open_case(people.alice), people.alice, answers=answers(yes=1, not_known=1, notes={1: "Cut lip"}))
    shared = risk.answers_for_sharing(assessment)
    assert len(shared) == DASH_QUESTIONS
    assert shared[0] == {
        "number": 1,
        "text": "Has the current incident resulted in injury?",
        "answer": "Yes",
        "answer_code": "yes",
        "note": "Cut lip",
    }
    assert (shared[1]["answer"], shared[2]["answer"]) == ("Not known", "No")


def test_answers_and_notes_are_stored_encrypted(people):
    assessment = save(
        open_case(people.alice),
        people.alice,
        answers=answers(yes=2, notes={2: "Scared he will come back tonight"}),
        notes="Neighbour heard shouting",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers, notes FROM referrals_riskassessment WHERE id = %s", [assessment.pk])
        raw = " ".join(cursor.fetchone())
    assert "Scared he will come back" not in raw
    assert "Neighbour heard" not in raw
    assert '"answer"' not in raw
    assert RiskAssessment.objects.get(pk=assessment.pk).answers["2"]["note"] == "Scared he will come back tonight"


def test_open_case_pages_are_told_to_reload_the_panel_once_saved(people, django_capture_on_commit_callbacks):
    case = open_case(people.alice)
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(case_group(case.pk), channel)
    with django_capture_on_commit_callbacks(execute=True):
        save(case, people.alice)

    async def next_message():
        return await asyncio.wait_for(layer.receive(channel), timeout=5)

    assert async_to_sync(next_message)() == {"type": "panel.changed", "panel": "risk"}


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_get_versions_1_and_2(people):
    ensure_dash_questionnaire()
    case = open_case(people.alice)
    start = threading.Barrier(2)
    errors: list[Exception] = []

    def save_in_own_connection(user):
        try:
            start.wait()
            save(case, user, answers=answers(yes=5))
        except Exception as exc:  # reported below: a thread's exception would otherwise vanish
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save_in_own_connection, args=(u,)) for u in (people.alice, people.bob)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(RiskAssessment.objects.filter(case=case).values_list("version", flat=True)) == [1, 2]
