"""Past the contact period the caller's number is pseudonymised and every contact detail erased."""

from django.test import TestCase

from followups.models import FollowUpStatus
from referrals.models import Referral
from response_platform.audit.models import AuditEvent
from response_platform.lib.crypto import blind_index
from response_platform.retention.classes import ERASED
from response_platform.sms.inbound import case_for
from response_platform.sms.models import InboundSms, SmsMessage
from tests.personas import verified_client
from tests.retention.scene import NOTES, PHONE, REPLY, WINDOWS, build, run
from tests.video.invitations import INTERPRETER_MOBILE, invite_interpreter


def test_contact_details_just_inside_their_period_are_kept(people, twilio):
    scene = build(people, twilio)
    assert run(people.force_a, 364)["contact"] == 0
    scene.case.refresh_from_db()
    assert (scene.case.victim_phone, scene.case.safe_contact_notes, scene.case.contact_windows) == (
        PHONE,
        NOTES,
        WINDOWS,
    )
    assert scene.case.contact_erased_at is None
    assert SmsMessage.objects.get().to == PHONE
    assert InboundSms.objects.get().body == REPLY


def test_contact_details_just_past_their_period_are_erased(people, twilio):
    scene = build(people, twilio)
    assert run(people.force_a, 366)["contact"] == 1
    case = scene.case
    case.refresh_from_db()
    assert (case.victim_phone, case.safe_contact_notes, case.contact_windows) == (ERASED, "", None)
    assert case.contact_erased_at is not None
    sms = SmsMessage.objects.get()
    assert (sms.to, sms.body) == (ERASED, "")
    reply = InboundSms.objects.get()
    assert (reply.from_number, reply.body) == (ERASED, "")
    assert set(Referral.objects.get().shared_data) == {"force", "referred_by", "risk_level"}
    follow_up = case.follow_ups.get()
    assert follow_up.status == FollowUpStatus.CANCELLED


def test_the_number_no_longer_finds_the_case(people, twilio):
    scene = build(people, twilio)
    assert case_for(blind_index(PHONE)) == scene.case
    run(people.force_a, 366)
    assert case_for(blind_index(PHONE)) is None
    assert not InboundSms.objects.filter(from_index=blind_index(PHONE)).exists()


def test_the_case_record_itself_is_kept_until_its_own_period(people, twilio):
    scene = build(people, twilio)
    run(people.force_a, 366)
    case = type(scene.case).objects.get(pk=scene.case.pk)
    assert case.incident_reference == "INC-7001"
    assert case.risk_assessments.count() == 1
    assert case.sessions.count() == 1


def test_a_later_reply_from_the_caller_keeps_their_details_for_another_period(people, twilio):
    from datetime import timedelta

    scene = build(people, twilio)
    InboundSms.objects.update(received_at=scene.case.created_at + timedelta(days=200))
    assert run(people.force_a, 366)["contact"] == 0
    scene.case.refresh_from_db()
    assert scene.case.victim_phone == PHONE


def test_erasing_contact_details_writes_an_erasure_entry_for_the_case(people, twilio):
    scene = build(people, twilio)
    run(people.force_a, 366)
    # The chat went too (its period is shorter), with an entry of its own.
    entry = AuditEvent.objects.get(action="erasure", object_type="cases.case")
    assert (entry.object_id, entry.case_id) == (str(scene.case.pk), scene.case.pk)
    assert entry.detail == "retention: contact details past 365 days"
    assert entry.actor_id is None
    trail = str(list(AuditEvent.objects.values_list()))
    for value in (PHONE, NOTES, REPLY):
        assert value not in trail


def test_no_link_can_be_sent_once_the_number_is_erased(people, twilio):
    scene = build(people, twilio)
    run(people.force_a, 366)
    texts_before = SmsMessage.objects.count()
    client = verified_client(people.alice)
    page = client.get(f"/cases/{scene.case.pk}/").content.decode()
    assert "contact details were erased" in page
    assert "Send video link by text" not in page
    response = client.post(f"/cases/{scene.case.pk}/sessions/", follow=True)
    assert "no link can be sent" in response.content.decode()
    assert SmsMessage.objects.count() == texts_before


def test_an_interpreters_number_is_erased_with_the_cases_contact_details(people, twilio):
    scene = build(people, twilio)
    with TestCase.captureOnCommitCallbacks(execute=True):
        invitation, _ = invite_interpreter(scene.session, people.alice)
    assert SmsMessage.objects.get(pk=invitation.sms_id).to == INTERPRETER_MOBILE
    run(people.force_a, 366)
    assert SmsMessage.objects.get(pk=invitation.sms_id).to == ERASED
    assert not SmsMessage.objects.filter(to=INTERPRETER_MOBILE).exists()


def test_an_interpreters_text_goes_with_the_case_record(people, twilio):
    scene = build(people, twilio)
    with TestCase.captureOnCommitCallbacks(execute=True):
        invitation, _ = invite_interpreter(scene.session, people.alice)
    run(people.force_a, 7 * 365)
    assert not SmsMessage.objects.filter(pk=invitation.sms_id).exists()
