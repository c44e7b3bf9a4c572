"""A legal hold keeps everything; supervisors and force admins place and release it on the case page."""

from django.template import Context, Template
from django.test import RequestFactory

from response_platform.accounts.models import Role
from response_platform.audit.models import AuditEvent
from response_platform.cases.models import Case
from response_platform.retention.holds import place_hold
from response_platform.retention.models import CaseStatistic
from response_platform.sms.models import InboundSms
from tests.personas import make_user, open_case, verified_client
from tests.retention.scene import CHAT, NOTES, PHONE, build, run
from video.models import ChatMessage


def test_a_case_on_legal_hold_keeps_everything_past_every_period(people, twilio):
    scene = build(people, twilio)
    place_hold(scene.case, by=people.bob, reason="Crown Court proceedings")
    assert run(people.force_a, 10_000) == {"cases": 0, "contact": 0, "chat": 0, "locations_and_snapshots": 0}
    case = Case.objects.get(pk=scene.case.pk)
    assert (case.victim_phone, case.safe_contact_notes) == (PHONE, NOTES)
    assert [m.text for m in ChatMessage.objects.all()] == [CHAT]
    assert InboundSms.objects.get().from_number == PHONE
    assert not CaseStatistic.objects.exists()
    assert not AuditEvent.objects.filter(action="erasure").exists()


def test_once_the_hold_is_released_retention_applies_again(people, twilio):
    scene = build(people, twilio)
    client = verified_client(people.bob)
    client.post(f"/cases/{scene.case.pk}/legal-hold/", {"action": "hold", "reason": "Inquiry"})
    assert run(people.force_a, 366)["contact"] == 0
    client.post(f"/cases/{scene.case.pk}/legal-hold/", {"action": "release"})
    assert run(people.force_a, 366)["contact"] == 1


def test_a_supervisor_places_a_hold_with_a_reason(people):
    case = open_case(people.alice)
    response = verified_client(people.bob).post(
        f"/cases/{case.pk}/legal-hold/", {"action": "hold", "reason": "Civil claim pending"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.legal_hold, case.legal_hold_reason, case.legal_hold_by) == (True, "Civil claim pending", people.bob)
    assert AuditEvent.objects.filter(action="alteration", detail="legal hold placed", actor=people.bob).exists()


def test_a_force_admin_may_release_a_hold(people):
    admin = make_user("fiona", people.force_a, Role.FORCE_ADMIN)
    case = open_case(people.alice)
    place_hold(case, by=people.bob, reason="Inquiry")
    verified_client(admin).post(f"/cases/{case.pk}/legal-hold/", {"action": "release"})
    case.refresh_from_db()
    assert (case.legal_hold, case.legal_hold_reason, case.legal_hold_by) == (False, "", None)


def test_a_hold_without_a_reason_is_refused(people):
    case = open_case(people.alice)
    verified_client(people.bob).post(f"/cases/{case.pk}/legal-hold/", {"action": "hold", "reason": "  "})
    case.refresh_from_db()
    assert not case.legal_hold


def test_a_specialist_may_not_place_a_hold(people):
    case = open_case(people.alice)
    response = verified_client(people.alice).post(f"/cases/{case.pk}/legal-hold/", {"action": "hold", "reason": "x"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert not case.legal_hold


def test_a_supervisor_of_another_force_does_not_find_the_case(people):
    other = make_user("oscar", people.force_b, Role.SUPERVISOR)
    case = open_case(people.alice)
    response = verified_client(other).post(f"/cases/{case.pk}/legal-hold/", {"action": "hold", "reason": "x"})
    assert response.status_code == 404
    case.refresh_from_db()
    assert not case.legal_hold


def test_the_hold_can_only_be_changed_by_post(people):
    case = open_case(people.alice)
    assert verified_client(people.bob).get(f"/cases/{case.pk}/legal-hold/").status_code == 405


def render_hold(case, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load retention %}{% legal_hold case %}").render(Context({"case": case, "request": request}))


def test_the_case_page_part_shows_the_hold_and_offers_the_form_only_to_supervisors(people):
    case = open_case(people.alice)
    # As django_otp's middleware marks a user who signed in with both factors.
    people.bob.is_verified = lambda: True
    people.alice.is_verified = lambda: True
    assert 'id="place-legal-hold"' in render_hold(case, people.bob)
    assert "place-legal-hold" not in render_hold(case, people.alice)
    place_hold(case, by=people.bob, reason="Inquiry")
    shown = render_hold(case, people.alice)
    assert "On legal hold since" in shown and "Inquiry" in shown
    assert 'id="release-legal-hold"' in render_hold(case, people.bob)
