"""After the call, in real browsers: DASH → high risk → MARAC and IDVA suggested → referral with
consent → a support worker acknowledges and accepts in the portal → the specialist sees each step live."""

import pytest
from playwright.sync_api import expect

from referrals.models import Referral, ServiceKind
from tests.e2e.calls import CallTestCase
from tests.personas import make_service, open_case
from tests.referrals.dash import ensure_dash_questionnaire

YES_ANSWERS = 14
# A page that reloads loses this; live updates must arrive without one.
MARK_PAGE = "window.__stillTheSamePage = true"
SAME_PAGE = "window.__stillTheSamePage === true"


@pytest.mark.e2e
class TestAfterTheCall(CallTestCase):
    def setUp(self):
        super().setUp()
        self.questions = ensure_dash_questionnaire().questions.count()
        self.marac = make_service("Northshire MARAC", ServiceKind.MARAC, self.people.force_a)
        self.idva = self.people.service_a
        self.case = open_case(self.people.alice, reference="INC-2026-0107")

    def test_a_high_risk_referral_is_acknowledged_and_accepted_and_the_specialist_sees_it_live(self):
        specialist = self.browser.new_context().new_page()
        self.sign_in(specialist, self.people.alice)
        specialist.goto(f"{self.live_server_url}/cases/{self.case.pk}/")

        # DASH with 14 "yes": high risk.
        specialist.get_by_role("link", name="Start the risk assessment (DASH)").click()
        for number in range(1, self.questions + 1):
            answer = "Yes" if number <= YES_ANSWERS else "No"
            specialist.locator(f"#question-{number}").get_by_label(answer, exact=True).check()
        specialist.get_by_role("button", name="Save risk assessment").click()
        expect(specialist.locator("#risk-level")).to_contain_text(f"High · {YES_ANSWERS} of {self.questions} yes")

        # MARAC and IDVA are suggested; the refuge is not.
        # The wrap-up checklist links to the same form; this is the referrals panel's own button.
        make_referral = specialist.locator("#make-referral")
        expect(make_referral).to_have_text("Make a referral")
        make_referral.click()
        expect(specialist.locator(f"#service-{self.marac.pk}")).to_have_attribute("data-suggested", "true")
        expect(specialist.locator(f"#service-{self.idva.pk}")).to_have_attribute("data-suggested", "true")
        expect(specialist.locator(f"#service-{self.people.service_b.pk}")).to_have_attribute("data-suggested", "false")

        # Sent to the IDVA service with the caller's verbal consent.
        idva_card = specialist.locator(f"#service-{self.idva.pk}")
        idva_card.get_by_label("Verbal consent given").check()
        idva_card.get_by_role("button", name=f"Send referral to {self.idva.name}").click()
        referral = Referral.objects.get(case=self.case, service=self.idva)
        on_case_page = specialist.locator(f"#referral-{referral.pk}")
        expect(on_case_page).to_have_attribute("data-status", "sent")
        specialist.evaluate(MARK_PAGE)

        # The support worker, in another browser context, finds it in the portal.
        worker = self.browser.new_context().new_page()
        self.sign_in(worker, self.people.sid)
        expect(worker.locator(f"#inbox-{referral.pk}")).to_be_visible()
        worker.locator(f"#inbox-{referral.pk} a.open-referral").click()
        worker.get_by_role("button", name="Acknowledge").click()
        expect(on_case_page).to_have_attribute("data-status", "acknowledged")
        worker.get_by_role("button", name="Accept referral").click()
        expect(on_case_page).to_have_attribute("data-status", "accepted")
        expect(on_case_page.locator("li[data-kind=accepted]")).to_be_visible()

        assert specialist.evaluate(SAME_PAGE), "the case page reloaded instead of updating live"
        # The referral carried the DASH answers without anyone typing them again.
        assert len(Referral.objects.get(pk=referral.pk).shared_data["dash_answers"]) == self.questions
