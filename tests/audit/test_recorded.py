"""Each processing of personal data leaves an entry naming who, what and, for disclosures, to whom."""

import pytest
from asgiref.sync import sync_to_async

from referrals.models import Referral
from response_platform.audit.actions import AuditAction
from response_platform.audit.models import AuditEvent
from response_platform.audit.verify import verify_chain
from response_platform.cases.models import Case
from response_platform.sms import inbound
from tests.audit.helpers import all_audit_text, entries
from tests.personas import VICTIM_MOBILE, open_case, verified_client
from tests.referrals.referring import DASH_NOTE, assess, refer
from tests.sockets import TIMEOUT, connected, make_scene

pytestmark = pytest.mark.django_db

SAFE_NOTES = "Not after 6pm, he is home then"
REPLY_WORDS = "He has gone out, you can call now"


def new_case_form():
    return {
        "incident_reference": "INC-2026-0042",
        "victim_phone": "07700 900123",
        "preferred_language": "en-gb",
        "safe_to_text_confirmed": "on",
    }


def test_opening_a_case_page_writes_a_consultation_naming_the_user(people):
    case = open_case(people.alice)
    assert verified_client(people.bob).get(f"/cases/{case.pk}/").status_code == 200
    entry = entries(AuditAction.CONSULTATION).get()
    assert (entry.actor, entry.actor_username, entry.case_id) == (people.bob, "bob", case.pk)
    assert entry.object_type == "cases.case" and entry.force_id == people.force_a.pk


def test_a_panel_reload_is_not_recorded_again(people):
    """The page's own consultation covers its panels, which reload on every change."""
    case = open_case(people.alice)
    client = verified_client(people.alice)
    client.get(f"/cases/{case.pk}/")
    client.get(f"/cases/{case.pk}/panels/referrals/")
    assert entries(AuditAction.CONSULTATION).count() == 1


def test_a_refused_case_page_records_nothing(people):
    case = open_case(people.alice)
    assert verified_client(people.olivia).get(f"/cases/{case.pk}/").status_code == 404
    assert not entries(AuditAction.CONSULTATION).exists()


def test_creating_a_case_writes_a_collection(people):
    verified_client(people.alice).post("/cases/new/", new_case_form())
    case = Case.objects.get()
    entry = entries(AuditAction.COLLECTION).get()
    assert (entry.actor, entry.object_id, entry.case_id) == (people.alice, str(case.pk), case.pk)


def test_sending_a_referral_writes_a_disclosure_naming_the_service(people):
    case = open_case(people.alice)
    form = {"service": people.service_a.pk, "consent": "verbal"}
    verified_client(people.alice).post(f"/cases/{case.pk}/referrals/new/", form)
    referral = Referral.objects.get()
    entry = entries(AuditAction.DISCLOSURE).get()
    assert (entry.recipient, entry.actor, entry.object_type, entry.object_id) == (
        "Service A",
        people.alice,
        "referrals.referral",
        str(referral.pk),
    )
    assert entry.case_id == case.pk
    assert entry.justification == f"consent record {referral.consent_id}"
    # The consent the specialist recorded is a collection in the same breath.
    assert entries(AuditAction.COLLECTION, object_type="video.consentrecord").count() == 1


def test_a_support_worker_opening_a_referral_writes_a_consultation(people):
    case = open_case(people.alice)
    referral = refer(case, people.service_a, people.alice)
    assert verified_client(people.sid).get(f"/portal/referrals/{referral.pk}/").status_code == 200
    entry = entries(AuditAction.CONSULTATION, actor=people.sid).get()
    assert (entry.actor_role, entry.object_id, entry.case_id) == ("support_worker", str(referral.pk), case.pk)
    # Whose data it is decides whose admins see the entry: the worker has no force.
    assert entry.force_id == people.force_a.pk and entry.actor_force == ""


def test_a_status_step_by_the_service_writes_an_alteration(people):
    from referrals import services

    referral = refer(open_case(people.alice), people.service_a, people.alice)
    services.acknowledge(referral, by=people.sid)
    entry = entries(AuditAction.ALTERATION).get()
    assert (entry.actor, entry.detail) == (people.sid, "referral status step: acknowledged")


def test_risk_assessment_versions_are_a_collection_then_alterations(people):
    case = open_case(people.alice)
    assess(case, people.alice, yes=3)
    assess(case, people.alice, yes=15)
    saved = entries(object_type="referrals.riskassessment").order_by("position")
    assert [e.action for e in saved] == [AuditAction.COLLECTION, AuditAction.ALTERATION]
    # Each save also looks for an earlier MARAC referral of the same number on other cases.
    assert entries(AuditAction.COMBINATION, case_id=case.pk).count() == 2


def test_a_text_from_the_caller_is_a_collection_and_a_combination_by_no_one(people):
    case = open_case(people.alice)
    inbound.record_reply(sid="SM" + "a" * 32, from_number=VICTIM_MOBILE, body=REPLY_WORDS)
    collected, combined = entries(object_type="sms.inboundsms").order_by("position")
    assert (collected.action, combined.action) == (AuditAction.COLLECTION, AuditAction.COMBINATION)
    assert collected.actor is None and collected.detail.startswith("sms webhook")
    assert combined.case_id == case.pk and combined.force_id == people.force_a.pk


def test_no_entry_holds_the_victims_number_or_words(people):
    client = verified_client(people.alice)
    client.post("/cases/new/", new_case_form())
    case = Case.objects.get()
    times = {"days_0": ["0", "2"], "start_0": "09:00", "end_0": "12:30", "notes": SAFE_NOTES}
    client.post(f"/cases/{case.pk}/follow-ups/contact-times/", times)
    assess(case, people.alice, notes="He took her passport")
    client.post(f"/cases/{case.pk}/referrals/new/", {"service": people.service_a.pk, "consent": "verbal"})
    referral = Referral.objects.get()
    verified_client(people.sid).get(f"/portal/referrals/{referral.pk}/")
    client.post(f"/cases/{case.pk}/referrals/{referral.pk}/messages/", {"body": "She asked for a female worker"})
    inbound.record_reply(sid="SM" + "b" * 32, from_number=VICTIM_MOBILE, body=REPLY_WORDS)
    client.get(f"/cases/{case.pk}/")

    text = all_audit_text()
    assert AuditEvent.objects.count() >= 10
    for secret in (VICTIM_MOBILE, "7700900123", "07700 900123", SAFE_NOTES, DASH_NOTE, "passport", REPLY_WORDS):
        assert secret not in text
    assert "female worker" not in text
    assert verify_chain().ok


def test_a_delivered_webhook_is_a_disclosure_to_the_receivers_host(people, django_capture_on_commit_callbacks):
    from referrals import notify, tasks
    from referrals.models import Delivery, DeliveryChannel
    from tests.referrals.webhook_receiver import WebhookReceiver
    from tests.workers import run_like_a_worker

    referral = refer(open_case(people.alice), people.service_a, people.alice)
    with WebhookReceiver(200) as receiver:
        people.service_a.webhook_url = receiver.url
        people.service_a.webhook_secret = "a-webhook-secret"
        people.service_a.save()
        with django_capture_on_commit_callbacks(execute=False):
            notify.notify_service(referral, "referral.acknowledged")
        delivery = Delivery.objects.get(referral=referral, channel=DeliveryChannel.WEBHOOK)
        run_like_a_worker(tasks.deliver, str(delivery.pk))
    entry = entries(AuditAction.DISCLOSURE, detail="webhook delivered: referral.acknowledged").get()
    assert (entry.recipient, entry.actor, entry.object_id) == ("127.0.0.1", None, str(referral.pk))


@pytest.mark.django_db(transaction=True)
async def test_a_chat_line_from_the_caller_is_a_collection_on_the_case(people):
    scene = await sync_to_async(make_scene)(people)
    communicator, _ = await connected(scene.session.pk, scene.victim)
    await communicator.send_json_to({"type": "chat", "text": REPLY_WORDS})
    await communicator.receive_json_from(timeout=TIMEOUT)
    await communicator.disconnect()
    entry = await sync_to_async(lambda: entries(object_type="video.chatmessage").get())()
    assert entry.action == AuditAction.COLLECTION and entry.actor is None
    assert entry.case_id == scene.session.case_id and entry.detail == "chat from victim"
    assert REPLY_WORDS not in await sync_to_async(all_audit_text)()
