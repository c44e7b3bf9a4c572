"""STOP ends every text to a number; START lifts it; Twilio's 21610 counts as STOP."""

import pytest
from django.test import TestCase

from response_platform.sms import optout, services
from response_platform.sms.models import OptOut, OptOutSource, OutboxMessage, SmsMessage, SmsStatus
from tests.personas import VICTIM_MOBILE, open_case, verified_client
from tests.sms.twilio_fake import send_link
from tests.sms.webhooks import STATUS, post_signed, send_reply
from tests.workers import tasks_sent_to_the_broker

pytestmark = pytest.mark.django_db

REFUSED = "The number replied STOP: no texts can be sent to it."
OPTED_OUT_BANNER = "This number has opted out of texts"


def queue_and_send() -> SmsMessage:
    """Queue a text and let the commit (and the eager send task) run."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        message = services.queue_sms(
            to=VICTIM_MOBILE, body="Checking in. Reply if you need us.", record_body="[check-in]"
        )
    return SmsMessage.objects.get(pk=message.pk)


def panel_html(user, case) -> str:
    return verified_client(user).get(f"/cases/{case.pk}/panels/replies/").content.decode()


@pytest.mark.parametrize("word", ["STOP", "stop", "  Stop \n", "STOPALL", "unsubscribe", "Cancel", "END", "quit"])
def test_a_stop_word_reply_means_no_further_text_is_sent(people, word):
    open_case(people.alice)
    send_reply(word)

    message = queue_and_send()

    assert message.status == SmsStatus.FAILED
    assert message.error_message == REFUSED
    assert message.body == ""
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize("words", ["Stop texting me after 6", "please stop", "STOP."])
def test_a_reply_that_only_contains_stop_is_not_an_opt_out(people, words):
    # Twilio acts only on the keyword as the whole message, and so must we.
    send_reply(words)

    assert queue_and_send().status == SmsStatus.DELIVERED
    assert OutboxMessage.objects.count() == 1


def test_stop_from_one_way_of_writing_the_number_blocks_every_other(people):
    send_reply("STOP", sender="+447700900123")

    assert optout.is_opted_out("07700 900123")
    assert optout.is_opted_out("+44 7700 900123")
    assert not optout.is_opted_out("+447700900124")


def test_the_specialist_sees_why_the_link_did_not_go_and_twilio_is_never_called(people, twilio):
    send_reply("STOP")

    sent = send_link(people.alice)

    assert twilio.sends == []
    assert sent.sms.status == SmsStatus.FAILED
    assert sent.failure_details() == [REFUSED]


def test_the_refusal_needs_no_worker_so_the_specialist_hears_at_once(people):
    send_reply("STOP")

    # Tasks go to the broker, where no worker runs them: only queue_sms itself can fail the text.
    with tasks_sent_to_the_broker(), TestCase.captureOnCommitCallbacks(execute=True):
        message = services.queue_sms(to=VICTIM_MOBILE, body="Checking in.", record_body="[check-in]")

    message.refresh_from_db()
    assert message.status == SmsStatus.FAILED
    assert message.error_message == REFUSED


def test_a_text_queued_before_the_stop_arrived_is_not_sent_after_it(people):
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        message = services.queue_sms(to=VICTIM_MOBILE, body="Checking in.", record_body="[check-in]")
    send_reply("STOP")
    for callback in callbacks:
        callback()  # the send task runs only now

    message.refresh_from_db()
    assert message.status == SmsStatus.FAILED
    assert message.error_message == REFUSED
    assert not OutboxMessage.objects.exists()


def test_start_lets_texts_go_again(people):
    send_reply("STOP")
    send_reply("start")

    assert queue_and_send().status == SmsStatus.DELIVERED
    assert OutboxMessage.objects.count() == 1


def test_stop_after_start_stops_texts_again(people):
    for word in ("STOP", "UNSTOP", "STOP"):
        send_reply(word)

    assert queue_and_send().status == SmsStatus.FAILED
    assert OptOut.objects.count() == 1


def test_twilio_refusing_with_21610_records_the_opt_out_and_stops_the_next_text(people, twilio):
    twilio.refuses(21610)
    first = send_link(people.alice)

    assert first.sms.status == SmsStatus.FAILED
    assert len(twilio.sends) == 1
    assert OptOut.objects.get().source == OptOutSource.PROVIDER

    message = queue_and_send()
    assert message.status == SmsStatus.FAILED
    assert message.error_message == REFUSED
    assert len(twilio.sends) == 1


def test_a_delivery_report_with_21610_records_the_opt_out(people, twilio):
    twilio.accepts(status="queued")
    sent = send_link(people.alice)

    post_signed(STATUS, {"MessageSid": sent.sms.provider_sid, "MessageStatus": "undelivered", "ErrorCode": "21610"})

    assert optout.is_opted_out(VICTIM_MOBILE)


def test_the_case_panel_says_the_number_opted_out(people):
    case = open_case(people.alice)
    send_reply("STOP")

    html = panel_html(people.alice, case)

    assert OPTED_OUT_BANNER in html
    assert "replied STOP" in html


def test_another_force_with_a_case_for_the_number_sees_the_opt_out_but_not_the_reply(people):
    theirs = open_case(people.olivia, reference="B-1")  # the same number, older, in Force B's hands
    open_case(people.alice, reference="A-1")  # the newest open case: replies go here
    send_reply("Can you call after 3?")
    send_reply("STOP")

    html = panel_html(people.olivia, theirs)

    assert OPTED_OUT_BANNER in html
    assert "Can you call after 3?" not in html


def test_start_takes_the_banner_off_the_panel(people):
    case = open_case(people.alice)
    send_reply("STOP")
    send_reply("START")

    html = panel_html(people.alice, case)

    assert OPTED_OUT_BANNER not in html
    assert "Opted back in (START)" in html


def test_the_case_page_offers_no_link_to_a_number_that_replied_stop(people):
    case = open_case(people.alice)
    client = verified_client(people.alice)
    assert "Send video link by text" in client.get(f"/cases/{case.pk}/").content.decode()
    optout.opt_out(case.victim_phone)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "This number replied STOP" in page
    assert "Send video link by text" not in page
