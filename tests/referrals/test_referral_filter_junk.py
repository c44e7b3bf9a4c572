"""The "make a referral" page's filter with junk in its query string: a page, never a 500.

Found by tests/fuzz/test_form_fuzz.py on PostgreSQL, which refuses a NUL byte in a query parameter.
"""

import pytest

from tests.personas import open_case, verified_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", [{"kind": "\x00"}, {"area": "north\x00"}, {"kind": "idva\x00", "area": "\x00"}])
def test_it_answers_a_filter_holding_a_nul_byte(people, query):
    case = open_case(people.alice)
    response = verified_client(people.alice).get(f"/cases/{case.pk}/referrals/new/", query)
    assert response.status_code == 200


def test_a_kind_that_does_not_exist_lists_no_services(people):
    case = open_case(people.alice)
    response = verified_client(people.alice).get(f"/cases/{case.pk}/referrals/new/", {"kind": "nonsense"})
    assert response.context["cards"] == []


def test_a_known_kind_still_filters(people):
    case = open_case(people.alice)
    response = verified_client(people.alice).get(f"/cases/{case.pk}/referrals/new/", {"kind": "idva"})
    assert [card["service"] for card in response.context["cards"]] == [people.service_a]
