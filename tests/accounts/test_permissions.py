"""Who may see and do what: the persona matrix, and the two-factor gate in front of every staff page."""

import pytest
from django.test import Client

from tests.personas import open_case, session_with_link, verified_client


@pytest.fixture
def force_a_session(people):
    """A case in Force A with a session and a sent link, opened by Alice."""
    session, _, _ = session_with_link(people.alice)
    return session


def staff_pages(session):
    case = session.case
    return {
        "case list": ("get", "/cases/"),
        "new case form": ("get", "/cases/new/"),
        "create case": ("post", "/cases/new/"),
        "case": ("get", f"/cases/{case.pk}/"),
        "send link": ("post", f"/cases/{case.pk}/sessions/"),
        "session": ("get", f"/sessions/{session.pk}/"),
        "session events": ("get", f"/sessions/{session.pk}/events/"),
        "resend": ("post", f"/sessions/{session.pk}/resend/"),
        "revoke": ("post", f"/sessions/{session.pk}/revoke/"),
        "end": ("post", f"/sessions/{session.pk}/end/"),
    }


# What each persona gets from each page. 403: the role may not; 404: another force's
# record, which must look exactly like a record that does not exist.
MATRIX = {
    # An empty "create case" post comes back as the form with its errors: allowed, not refused.
    "alice": {page: 200 for page in ["case list", "new case form", "create case", "case", "session", "session events"]}
    | {page: 302 for page in ["send link", "resend", "revoke", "end"]},
    "bob": {page: 200 for page in ["case list", "new case form", "case", "session", "session events"]}
    | {page: 302 for page in ["send link", "resend", "revoke", "end"]},
    "carol": {"case list": 200, "case": 200, "session": 200, "session events": 200}
    | {page: 403 for page in ["new case form", "create case", "send link", "resend", "revoke", "end"]},
    "sid": {page: 403 for page in ["case list", "case", "session", "session events", "new case form", "send link"]},
    "olivia": {"case list": 200, "new case form": 200}
    | {page: 404 for page in ["case", "send link", "session", "session events", "resend", "revoke", "end"]},
}

CASES = [(who, page, status) for who, pages in MATRIX.items() for page, status in pages.items()]


@pytest.mark.parametrize(("who", "page", "status"), CASES, ids=[f"{w}-{p}" for w, p, _ in CASES])
def test_the_persona_matrix(people, force_a_session, who, page, status):
    method, url = staff_pages(force_a_session)[page]
    response = getattr(verified_client(getattr(people, who)), method)(url)
    assert response.status_code == status


def test_a_specialist_in_another_force_never_sees_the_case_in_her_list(people):
    open_case(people.alice, reference="INC-A-0001")
    page = verified_client(people.olivia).get("/cases/").content.decode()
    assert "INC-A-0001" not in page
    assert "INC-A-0001" in verified_client(people.alice).get("/cases/").content.decode()


def test_another_force_cannot_end_or_revoke_the_session(people, force_a_session):
    olivia = verified_client(people.olivia)
    olivia.post(f"/sessions/{force_a_session.pk}/end/")
    olivia.post(f"/sessions/{force_a_session.pk}/revoke/")
    force_a_session.refresh_from_db()
    assert force_a_session.state == "link_sent"
    assert force_a_session.links.filter(revoked_at__isnull=True).count() == 1


def test_a_call_handler_sees_no_buttons_to_contact_the_caller(people, force_a_session):
    carol = verified_client(people.carol)
    assert "New case" not in carol.get("/cases/").content.decode()
    assert 'id="send-link"' not in carol.get(f"/cases/{force_a_session.case.pk}/").content.decode()
    assert "Resend link" not in carol.get(f"/sessions/{force_a_session.pk}/").content.decode()


def test_a_call_handler_cannot_send_a_link(people, force_a_session):
    verified_client(people.carol).post(f"/cases/{force_a_session.case.pk}/sessions/")
    assert force_a_session.case.sessions.count() == 1


@pytest.mark.parametrize("page", list(MATRIX["alice"]))
def test_every_staff_page_sends_a_stranger_to_sign_in(force_a_session, page):
    method, url = staff_pages(force_a_session)[page]
    response = getattr(Client(), method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("page", list(MATRIX["alice"]))
def test_every_staff_page_needs_the_second_factor_too(people, force_a_session, page):
    client = Client()
    client.force_login(people.alice)  # password only: no verified device in the session
    method, url = staff_pages(force_a_session)[page]
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_the_admin_needs_the_second_factor(people):
    people.alice.is_staff = people.alice.is_superuser = True
    people.alice.save()
    client = Client()
    client.force_login(people.alice)
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/")["Location"].startswith("/login/")


def test_staff_without_a_force_are_turned_away(people):
    people.alice.force = None
    people.alice.save()
    assert verified_client(people.alice).get("/cases/").status_code == 302


def test_the_case_list_query_count_does_not_grow_with_the_cases(people, django_assert_num_queries):
    client = verified_client(people.alice)
    for n, who in enumerate([people.alice, people.bob] * 10):
        open_case(who, reference=f"INC-{n:04d}")
    # session, user, OTP device, the user's force (page header), the cases with their authors,
    # and the three counts in the navigation (overdue referrals, unread texts, the review queue).
    with django_assert_num_queries(8):
        response = client.get("/cases/")
    assert response.content.decode().count("INC-") == 20


def test_only_a_worker_of_the_referrals_own_service_may_work_it(people):
    from referrals.models import Referral
    from response_platform.accounts.permissions import can_work_referral, can_write_on_referral

    referral = Referral(service=people.service_a, case=open_case(people.alice))
    assert can_work_referral(people.sid, referral)
    assert not can_work_referral(people.sue, referral)
    assert not can_work_referral(people.alice, referral)
    assert can_write_on_referral(people.alice, referral)
    assert not can_write_on_referral(people.carol, referral)
    assert not can_write_on_referral(people.olivia, referral)


def test_the_case_selectors_give_an_officer_nothing_even_of_their_own_force(people):
    from response_platform.accounts.models import Role
    from response_platform.cases.selectors import cases_for
    from tests.personas import make_user

    open_case(people.alice)
    officer = make_user("dave", people.force_a, Role.OFFICER)
    officer.is_verified = lambda: True
    people.alice.is_verified = lambda: True
    assert cases_for(officer).count() == 0
    assert cases_for(people.alice).count() == 1
