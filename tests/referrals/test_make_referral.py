"""Making a referral from the case: consent first, one referral per service, the page that does it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from referrals import services
from referrals.models import Delivery, Referral, ReferralEvent, ReferralEventKind, ReferralStatus, ServiceKind
from response_platform.lib.crypto import sha256_hex
from tests.personas import make_service, open_case, verified_client
from tests.referrals.referring import assess, refer
from video.models import ConsentDecision, ConsentMethod, ConsentRecord, ConsentScope

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(people):
    return open_case(people.alice)


@pytest.fixture
def marac(people):
    return make_service("Northshire MARAC", ServiceKind.MARAC, people.force_a)


def new_page(case) -> str:
    return f"/cases/{case.pk}/referrals/new/"


def test_it_sends_a_referral_with_the_victims_verbal_consent(people, case):
    before = timezone.now()
    referral = refer(case, people.service_a, people.alice)

    assert referral.status == ReferralStatus.SENT and referral.created_by == people.alice
    consent = referral.consent
    assert (consent.scope, consent.subject) == (ConsentScope.REFERRAL_SHARING, f"service:{people.service_a.pk}")
    assert (consent.decision, consent.method) == (ConsentDecision.GRANTED, ConsentMethod.VERBAL)
    assert consent.recorded_by == people.alice and consent.case == case
    assert consent.notice_version == services.CONSENT_SCRIPT_VERSION
    assert consent.notice_sha256 == sha256_hex(services.consent_script(people.service_a))
    sla = timedelta(hours=people.service_a.ack_sla_hours)
    assert before + sla <= referral.sla_due_at <= timezone.now() + sla
    assert [e.kind for e in referral.events.all()] == [ReferralEventKind.SENT]
    assert Delivery.objects.filter(referral=referral, event="referral.sent").exists()


def test_the_script_read_out_names_the_service_and_what_it_will_get(people):
    script = services.consent_script(people.service_b)

    assert "Service B" in script and "your mobile number" in script


def test_no_consent_means_no_referral_and_the_refusal_is_recorded(people, case):
    with pytest.raises(services.ConsentRequired):
        services.make_referral(
            case, people.service_a, by=people.alice, consent_method=ConsentMethod.VERBAL, consented=False
        )

    assert not Referral.objects.exists()
    refusal = ConsentRecord.objects.get(scope=ConsentScope.REFERRAL_SHARING)
    assert refusal.decision == ConsentDecision.REFUSED and refusal.subject == f"service:{people.service_a.pk}"


def test_professional_judgement_does_not_stand_in_for_consent_outside_marac(people, case):
    with pytest.raises(services.ConsentRequired):
        services.make_referral(
            case, people.service_a, by=people.alice, consent_method="", consented=False, without_consent_reason="Risk"
        )
    assert not Referral.objects.exists()


def test_a_marac_referral_may_go_without_consent_on_professional_judgement_with_the_reason(people, case, marac):
    referral = services.make_referral(
        case, marac, by=people.alice, consent_method="", consented=False, without_consent_reason="Threats to kill"
    )

    assert referral.consent is None and referral.without_consent_reason == "Threats to kill"
    assert referral.status == ReferralStatus.SENT


def test_a_marac_referral_without_consent_needs_a_reason(people, case, marac):
    with pytest.raises(services.ConsentRequired, match="reason"):
        services.make_referral(case, marac, by=people.alice, consent_method="", consented=False)
    assert not Referral.objects.exists()


def test_a_second_press_sends_nothing_more(people, case):
    first = refer(case, people.service_a, people.alice)

    with pytest.raises(services.AlreadyReferred) as raised:
        refer(case, people.service_a, people.alice)

    assert raised.value.referral == first
    assert Referral.objects.count() == 1
    assert ConsentRecord.objects.filter(scope=ConsentScope.REFERRAL_SHARING).count() == 1
    assert Delivery.objects.filter(event="referral.sent").count() == 1


def test_a_service_that_declined_can_be_asked_again(people, case):
    first = refer(case, people.service_a, people.alice)
    services.decline(first, by=people.sid, reason="No capacity this week")

    assert refer(case, people.service_a, people.alice) != first


def test_it_refuses_a_service_that_is_switched_off_or_does_not_cover_the_force(people, case):
    elsewhere = make_service("Elsewhere IDVA", ServiceKind.IDVA, people.force_b)
    people.service_b.active = False
    people.service_b.save()

    for service in (elsewhere, people.service_b):
        with pytest.raises(services.ReferralError):
            refer(case, service, people.alice)
    assert not Referral.objects.exists()


# The page -------------------------------------------------------------------------


def card(page: str, service) -> str:
    """One service's section of the page, from its opening tag's id to its end."""
    return page.split(f'id="service-{service.pk}"')[1].split("</section>")[0]


def test_the_page_suggests_marac_and_an_idva_for_a_high_risk(people, case, marac):
    assess(case, people.alice, yes=14)

    page = verified_client(people.alice).get(new_page(case)).content.decode()

    assert 'data-suggested="true"' in card(page, marac)
    assert 'data-suggested="true"' in card(page, people.service_a)
    assert 'data-suggested="false"' in card(page, people.service_b)
    assert "Suggested for this risk: MARAC coordinator, IDVA service." in page


def test_the_page_previews_exactly_what_each_service_will_get(people, case, marac):
    assess(case, people.alice, yes=14)
    page = verified_client(people.alice).get(new_page(case)).content.decode()

    marac_card, idva_card = card(page, marac), card(page, people.service_a)
    assert "Mobile number" not in marac_card and "DASH answers" in marac_card
    assert "+447700900123" in idva_card and "Read this out:" in idva_card
    assert "No consent: refer to MARAC on professional judgement" in marac_card
    assert "professional judgement" not in idva_card


def test_the_page_filters_services_by_kind_and_area(people, case):
    make_service("Harbour Refuge", ServiceKind.REFUGE, people.force_a, areas="Harbourside and Eastbridge")
    client = verified_client(people.alice)

    by_kind = client.get(new_page(case), {"kind": ServiceKind.REFUGE}).content.decode()
    by_area = client.get(new_page(case), {"area": "eastbridge"}).content.decode()

    assert "Harbour Refuge" in by_kind and "Service B" in by_kind and "Service A" not in by_kind
    assert "Harbour Refuge" in by_area and "Service B" not in by_area


def test_sending_from_the_page_records_consent_and_returns_to_the_case(people, case):
    client = verified_client(people.alice)

    response = client.post(new_page(case), {"service": people.service_a.pk, "consent": "on_device"})

    assert response.status_code == 302 and response.url == f"/cases/{case.pk}/"
    referral = Referral.objects.get()
    assert referral.consent.method == ConsentMethod.ON_DEVICE


def test_a_double_press_on_the_page_sends_one_referral(people, case):
    client = verified_client(people.alice)
    form = {"service": people.service_a.pk, "consent": "verbal"}

    first, second = client.post(new_page(case), form), client.post(new_page(case), form)

    assert first.status_code == second.status_code == 302
    assert Referral.objects.count() == 1
    assert ReferralEvent.objects.filter(kind=ReferralEventKind.SENT).count() == 1


def test_the_page_refuses_to_send_without_consent_and_says_why(people, case):
    client = verified_client(people.alice)

    refused = client.post(new_page(case), {"service": people.service_a.pk, "consent": "refused"})
    unanswered = client.post(new_page(case), {"service": people.service_a.pk})

    assert refused.status_code == unanswered.status_code == 400
    assert "No consent, no referral" in refused.content.decode()
    assert "Record the caller" in unanswered.content.decode()
    assert not Referral.objects.exists()


def test_the_page_sends_to_marac_on_professional_judgement(people, case, marac):
    client = verified_client(people.alice)

    response = client.post(new_page(case), {"service": marac.pk, "consent": "judgement", "reason": "Stalking"})

    assert response.status_code == 302
    assert Referral.objects.get().without_consent_reason == "Stalking"


def test_an_open_referral_shows_instead_of_a_second_form(people, case):
    refer(case, people.service_a, people.alice)

    page = verified_client(people.alice).get(new_page(case)).content.decode()

    assert "Referral open: Sent." in page
    assert f'id="send-{people.service_a.pk}"' not in page and f'id="send-{people.service_b.pk}"' in page


def test_a_call_handler_may_not_make_referrals(people, case):
    assert verified_client(people.carol).get(new_page(case)).status_code == 403


# The case panel -------------------------------------------------------------------


def panel(people, case, user=None) -> str:
    return verified_client(user or people.alice).get(f"/cases/{case.pk}/panels/referrals/").content.decode()


def test_the_case_panel_lists_each_referral_with_its_status_and_time_to_acknowledge(people, case):
    refer(case, people.service_a, people.alice)

    html = panel(people, case)

    assert "Service A" in html and 'data-status="sent"' in html and "Acknowledge by" in html
    assert 'id="make-referral"' in html


def test_the_case_panel_shows_an_overdue_and_escalated_referral(people, case):
    referral = refer(case, people.service_a, people.alice)
    Referral.objects.filter(pk=referral.pk).update(
        sla_due_at=timezone.now() - timedelta(hours=1), escalation_level=1, escalated_at=timezone.now()
    )

    html = panel(people, case)

    assert "Not acknowledged: overdue by" in html
    assert 'data-escalation="1"' in html and "Escalated to the force" in html


def test_the_case_panel_shows_the_services_messages(people, case):
    referral = refer(case, people.service_a, people.alice)
    services.post_message(referral, by=people.sid, body="We tried at 10:00, no answer")

    html = panel(people, case)

    assert "We tried at 10:00, no answer" in html and "Service A" in html
