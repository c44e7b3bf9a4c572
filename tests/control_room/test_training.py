"""Training cases: they work end to end, say so on every page, never text a real phone, and count nowhere."""

from datetime import timedelta

import pytest
from django.test import Client, TestCase
from django.utils import timezone

from followups.models import FollowUp, FollowUpKind
from referrals import services as referrals
from response_platform.cases.models import Case
from response_platform.retention import services as retention
from response_platform.retention.models import CaseStatistic
from response_platform.sms import services as sms
from response_platform.sms.models import OutboxMessage, SmsMessage, SmsStatus
from response_platform.sms.tasks import send_sms
from tests.control_room.helpers import training_case
from tests.personas import open_case, verified_client
from tests.sms.conftest import twilio  # noqa: F401  (Twilio configured, its HTTP API faked)
from tests.workers import run_like_a_worker
from video import services as video

BANNER = 'id="training-banner"'
VICTIM_NOTE = "Training call — not a real emergency"


def text_a_link(case, by):
    """The specialist presses "Send video link by text" and a worker sends it."""
    with TestCase.captureOnCommitCallbacks(execute=False):
        session = video.start_session_with_link(case, by=by)
    link = session.links.get()
    with TestCase.captureOnCommitCallbacks(execute=True):
        run_like_a_worker(send_sms, link.sms_id)
    return session, SmsMessage.objects.get(pk=link.sms_id)


def test_the_new_case_form_opens_a_training_case_marked_as_such(people):
    client = verified_client(people.alice)
    form = {
        "incident_reference": "TRAIN-01",
        "victim_phone": "07700 900301",
        "preferred_language": "en-gb",
        "safe_to_text_confirmed": "on",
        "is_training": "on",
    }
    response = client.post("/cases/new/", form, follow=True)
    case = Case.objects.get(incident_reference="TRAIN-01")
    assert case.is_training
    assert BANNER in response.content.decode()
    assert "TRAINING" in client.get("/cases/").content.decode()
    real = open_case(people.alice, reference="REAL-01", phone="+447700900302")
    assert not real.is_training
    assert BANNER not in client.get(f"/cases/{real.pk}/").content.decode()


def test_every_staff_page_of_the_session_says_training(people):
    session, _ = text_a_link(training_case(people.alice), people.alice)
    client = verified_client(people.alice)
    for url in (
        f"/sessions/{session.pk}/",
        f"/control-room/sessions/{session.pk}/wrap-up/",
        f"/cases/{session.case_id}/follow-ups/new/",
        f"/cases/{session.case_id}/risk/",
    ):
        assert BANNER in client.get(url).content.decode(), url


def test_the_colleague_playing_the_caller_sees_it_is_a_training_call(people):
    session, _ = text_a_link(training_case(people.alice), people.alice)
    body = OutboxMessage.objects.get().body
    phone = Client()
    phone.get("/j/" + body.rsplit("/j/", 1)[1].split()[0])
    assert VICTIM_NOTE in phone.get("/v/").content.decode()


def test_a_real_callers_page_says_nothing_of_training(people):
    from tests.personas import session_with_link

    _, _, token = session_with_link(people.alice)
    phone = Client()
    phone.get(f"/j/{token}")
    assert VICTIM_NOTE not in phone.get("/v/").content.decode()


def test_a_training_link_goes_to_the_dev_outbox_even_with_twilio_configured(people, twilio):  # noqa: F811
    twilio.accepts()  # answered if anything did reach Twilio
    session, message = text_a_link(training_case(people.alice), people.alice)
    assert twilio.sends == []
    assert message.status == SmsStatus.DELIVERED and message.provider_sid.startswith("OB")
    assert "/j/" in OutboxMessage.objects.get(sid=message.provider_sid).body

    # The same press on a real case does reach Twilio: the switch is the case, not the settings.
    text_a_link(open_case(people.alice, reference="REAL-02", phone="+447700900303"), people.alice)
    assert len(twilio.sends) == 1


def test_a_training_check_in_text_goes_to_the_dev_outbox_too(people, twilio):  # noqa: F811
    case = training_case(people.alice)
    with TestCase.captureOnCommitCallbacks(execute=False):
        message = sms.queue_sms(to=case.victim_phone, body="Checking in.", record_body="Checking in.")
        FollowUp.objects.create(
            case=case, kind=FollowUpKind.CHECK_IN_SMS, due_at=timezone.now(), created_by=people.alice, sms=message
        )
    sms.deliver(message.pk)
    assert twilio.sends == []
    assert OutboxMessage.objects.filter(body="Checking in.").exists()


def test_the_training_link_page_shows_the_text_only_for_a_training_case(people):
    session, message = text_a_link(training_case(people.alice), people.alice)
    client = verified_client(people.alice)
    page = client.get(f"/control-room/sessions/{session.pk}/training-link/").content.decode()
    assert "/j/" in page
    assert 'id="training-link"' in client.get(f"/sessions/{session.pk}/").content.decode()

    real, _ = text_a_link(open_case(people.alice, reference="REAL-03", phone="+447700900304"), people.alice)
    assert client.get(f"/control-room/sessions/{real.pk}/training-link/").status_code == 403


def test_a_training_case_makes_no_referral_to_a_real_service(people):
    case = training_case(people.alice)
    with pytest.raises(referrals.ReferralError, match="training case"):
        referrals.make_referral(case, people.service_a, by=people.alice, consent_method="verbal", consented=True)
    assert not case.referrals.exists()


def test_an_erased_training_case_leaves_no_statistic(people):
    training_case(people.alice)
    open_case(people.alice, reference="REAL-04", phone="+447700900305")
    later = timezone.now() + timedelta(days=people.force_a.retain_case_days + 2)
    assert retention.apply_retention(people.force_a, now=later)["cases"] == 2
    assert CaseStatistic.objects.count() == 1  # the real case's only
