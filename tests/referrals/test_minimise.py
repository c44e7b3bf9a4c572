"""Each kind of service gets only what it needs, prefilled from the case and the risk assessment."""

import pytest
from django.db import connection

from referrals import minimise
from referrals.models import ServiceKind
from tests.personas import VICTIM_MOBILE, make_service, open_case
from tests.referrals.referring import (
    DASH_NOTE,
    SAFE_NOTES,
    WINDOWS,
    assess,
    refer,
    with_contact_details,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(people):
    case = with_contact_details(open_case(people.alice, reference="INC-2211"))
    assess(case, people.alice, yes=15, police_callouts_12_months=4)
    return case


def shared_with(people, case, kind: str) -> dict:
    return refer(case, make_service(f"A {kind} service", kind, people.force_a), people.alice).shared_data


def test_marac_gets_the_risk_and_the_dash_answers_but_not_the_victims_number(people, case):
    shared = shared_with(people, case, ServiceKind.MARAC)

    assert shared["risk_level"] == "high" and shared["dash_yes_count"] == 15
    assert len(shared["dash_answers"]) == 24
    assert any("Potential escalation" in c for c in shared["marac_criteria"])
    assert shared["police_reference"] == "INC-2211"
    assert "victim_phone" not in shared and "safe_contact_notes" not in shared and "contact_windows" not in shared


def test_an_idva_gets_the_contact_details_the_risk_and_the_answers_nobody_retypes(people, case):
    shared = shared_with(people, case, ServiceKind.IDVA)

    assert shared["victim_phone"] == VICTIM_MOBILE
    assert shared["safe_contact_notes"] == SAFE_NOTES
    assert shared["contact_windows"] == WINDOWS and shared["timezone"] == "Europe/London"
    assert shared["language"] == "en-gb" and shared["risk_level"] == "high"
    first = shared["dash_answers"][0]
    assert first["answer_code"] == "yes" and first["note"] == DASH_NOTE


def test_a_refuge_gets_contact_details_and_the_risk_level_but_not_the_answers_or_police_reference(people, case):
    shared = shared_with(people, case, ServiceKind.REFUGE)

    assert shared["victim_phone"] == VICTIM_MOBILE and shared["risk_level"] == "high"
    assert "dash_answers" not in shared and "marac_criteria" not in shared and "police_reference" not in shared


def test_a_helpline_gets_only_what_it_needs_to_call_back(people, case):
    shared = shared_with(people, case, ServiceKind.HELPLINE)

    contact = {"victim_phone", "contact_windows", "timezone", "safe_contact_notes"}
    assert set(shared) == {"force", "referred_by", "language"} | contact


def test_childrens_services_are_not_given_the_victims_number(people, case):
    shared = shared_with(people, case, ServiceKind.CHILDREN)

    assert "victim_phone" not in shared and shared["risk_level"] == "high"


@pytest.mark.parametrize("kind", ServiceKind.values)
def test_only_services_that_contact_the_victim_get_the_number(kind):
    assert minimise.shares_phone(kind) == (kind in minimise.CONTACTING_KINDS)


def test_without_a_risk_assessment_nothing_about_risk_is_shared(people):
    case = open_case(people.alice)
    shared = shared_with(people, case, ServiceKind.IDVA)

    assert shared["victim_phone"] == VICTIM_MOBILE
    assert "risk_level" not in shared and "dash_answers" not in shared


def test_the_shared_data_is_encrypted_at_rest(people, case):
    referral = refer(case, people.service_a, people.alice)

    with connection.cursor() as cursor:
        cursor.execute("SELECT shared_data FROM referrals_referral WHERE id = %s", [referral.pk.hex])
        stored = cursor.fetchone()[0]
    assert VICTIM_MOBILE not in stored and SAFE_NOTES not in stored


def test_the_page_rows_name_each_field_and_read_the_contact_windows_aloud(people, case):
    rows = {row["name"]: row for row in minimise.describe(shared_with(people, case, ServiceKind.IDVA))}

    assert rows["contact_windows"]["value"] == "Mon, Tue, Wed, Thu, Fri 09:00–12:00"
    assert rows["language"]["value"] == "British English (en-gb)"
    assert len(rows["dash_answers"]["answers"]) == 24
