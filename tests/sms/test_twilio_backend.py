"""The Twilio backend and the send task, with Twilio's HTTP API faked by `responses`.

Retries: with CELERY_TASK_EAGER_PROPAGATES (settings) an eager `self.retry()` in Celery 5.7
raises `Retry` to the caller instead of re-running the task, and without it the re-run is
immediate (the countdown is ignored). `tests.workers.run_like_a_worker` therefore plays the
worker: it re-runs each retry Celery asks for and records the wait requested. These tests
prove which failures are retried, how often, with what backoff, and the end state; they
do not (and cannot, eagerly) prove the broker honours the countdown.
"""

import base64
import logging

import pytest
import requests
from celery.exceptions import Retry

from response_platform.sms import services
from response_platform.sms.models import SmsMessage, SmsStatus
from response_platform.sms.tasks import MAX_SEND_ATTEMPTS, send_sms
from tests.personas import VICTIM_MOBILE
from tests.sms.twilio_fake import messages_url, send_link

pytestmark = pytest.mark.django_db

STOP = "The person has replied STOP to our texts, so no more can be sent."
LANDLINE = "The number cannot receive texts (it may be a landline)."


def queue_plain_text() -> SmsMessage:
    # In a `db` test on-commit callbacks never run, so nothing sends this until a test does.
    return services.queue_sms(to=VICTIM_MOBILE, body="Here is the link: https://x.test/j/abc", record_body="[link]")


def test_it_posts_the_text_to_the_account_with_the_status_callback_and_credentials(people, twilio, settings):
    twilio.accepts()
    send_link(people.alice)

    assert len(twilio.sends) == 1
    request = twilio.sends[0].request
    assert request.url == messages_url()
    assert f"/Accounts/{settings.TWILIO_ACCOUNT_SID}/Messages.json" in request.url
    credentials = f"{settings.TWILIO_ACCOUNT_SID}:{settings.TWILIO_AUTH_TOKEN}".encode()
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(credentials).decode()
    form = twilio.form()
    assert form["To"] == VICTIM_MOBILE
    assert form["From"] == settings.TWILIO_FROM_NUMBER
    assert "MessagingServiceSid" not in form
    assert form["Body"].startswith("Here is the link we talked about.")
    assert f"{settings.PUBLIC_BASE_URL}/j/" in form["Body"]
    assert form["StatusCallback"] == settings.PUBLIC_BASE_URL + "/webhooks/twilio/sms-status/"


def test_it_sends_from_the_messaging_service_when_one_is_configured(people, twilio, settings):
    settings.TWILIO_MESSAGING_SERVICE_SID = "MG" + "0" * 32
    twilio.accepts()
    send_link(people.alice)

    form = twilio.form()
    assert form["MessagingServiceSid"] == settings.TWILIO_MESSAGING_SERVICE_SID
    assert "From" not in form


def test_a_hung_twilio_cannot_hold_the_worker_longer_than_the_configured_timeout(people, twilio, settings):
    settings.TWILIO_HTTP_TIMEOUT = 7.5
    twilio.accepts()
    send_link(people.alice)

    # requests applies one number to both connecting and each read.
    assert twilio.sends[0].request.req_kwargs["timeout"] == 7.5


def test_once_twilio_has_the_text_the_join_token_is_no_longer_stored(people, twilio):
    sid = twilio.accepts()
    sent = send_link(people.alice)

    token = twilio.form()["Body"].rsplit("/j/", 1)[1]
    assert sent.sms.status == SmsStatus.QUEUED
    assert sent.sms.provider_sid == sid
    assert sent.sms.body == ""
    assert sent.sms.record_body == "Here is the link we talked about. It works for 30 minutes: [link]"
    assert token not in sent.sms.record_body
    assert sent.sms.attempts == 1
    assert sent.waits == []


@pytest.mark.parametrize("http_status", [500, 503, 429])
def test_it_retries_after_a_twilio_fault_and_sends_the_text_once(people, twilio, http_status):
    twilio.fails(http_status)
    sid = twilio.accepts()
    sent = send_link(people.alice)

    assert len(twilio.sends) == 2
    assert sent.waits == [5]
    assert sent.sms.status == SmsStatus.QUEUED
    assert sent.sms.provider_sid == sid
    assert sent.sms.attempts == 2
    # The fault was passing; it must not linger on the specialist's screen.
    assert (sent.sms.error_code, sent.sms.error_message) == ("", "")
    assert sent.failure_details() == []


@pytest.mark.parametrize("network_error", [requests.ConnectTimeout, requests.ReadTimeout, requests.ConnectionError])
def test_it_retries_when_twilio_cannot_be_reached(people, twilio, network_error):
    twilio.raises(network_error("simulated"))
    twilio.accepts()
    sent = send_link(people.alice)

    assert len(twilio.sends) == 2
    assert sent.sms.status == SmsStatus.QUEUED
    assert sent.sms.attempts == 2
    assert sent.sms.body == ""


def test_it_waits_longer_before_each_retry(people, twilio):
    for _ in range(MAX_SEND_ATTEMPTS - 1):
        twilio.fails(503)
    twilio.accepts()
    sent = send_link(people.alice)

    assert sent.waits == [5, 10, 20, 40]
    assert len(twilio.sends) == MAX_SEND_ATTEMPTS
    assert sent.sms.status == SmsStatus.QUEUED


def test_between_tries_the_text_waits_to_be_claimed_again_and_keeps_its_body(people, twilio):
    twilio.fails(500)
    message = queue_plain_text()

    with pytest.raises(Retry) as retry:
        send_sms.delay(message.pk)

    assert retry.value.when == 5
    message.refresh_from_db()
    assert message.status == SmsStatus.PENDING
    assert message.body != ""  # the retry still has something to send
    assert message.error_message == "The text service had a fault (HTTP 500)."


def test_an_invalid_number_fails_at_once_and_the_specialist_is_told_why(people, twilio, caplog):
    twilio.refuses(21211)
    twilio.accepts()  # what a retry would get; there must be none
    with caplog.at_level(logging.DEBUG):
        sent = send_link(people.alice)

    assert len(twilio.sends) == 1
    assert sent.waits == []
    assert sent.sms.status == SmsStatus.FAILED
    assert sent.sms.error_code == "21211"
    assert sent.sms.error_message == "The number is not a valid phone number."
    assert sent.sms.body == ""
    assert sent.failure_details() == ["The number is not a valid phone number."]
    # Twilio's own text quoted the number; nothing we keep or log does.
    national = VICTIM_MOBILE.removeprefix("+44")
    for kept in (sent.sms.error_message, *sent.failure_details(), caplog.text):
        assert national not in kept


@pytest.mark.parametrize(
    ("code", "explanation"),
    [(21610, STOP), (21614, LANDLINE), (21602, "The text service refused the message (HTTP 400).")],
)
def test_other_refusals_fail_at_once_without_a_retry(people, twilio, code, explanation):
    twilio.refuses(code, message="Refused.")
    twilio.accepts()
    sent = send_link(people.alice)

    assert len(twilio.sends) == 1
    assert sent.sms.status == SmsStatus.FAILED
    assert sent.failure_details() == [explanation]


def test_a_refusal_in_problem_details_form_fails_the_text_instead_of_leaving_it_stuck(people, twilio):
    # twilio 9 turns an RFC 9457 answer into TwilioServiceException, not TwilioRestException.
    problem = {
        "type": "https://www.twilio.com/docs/errors/21211",
        "title": "Invalid 'To' Phone Number",
        "status": 400,
        "code": 21211,
        "detail": "The 'To' number +447700900123 is not a valid phone number.",
    }
    twilio.answers(status=400, json=problem)
    sent = send_link(people.alice)

    assert sent.sms.status == SmsStatus.FAILED
    assert sent.failure_details() == ["The number is not a valid phone number."]


def test_an_answer_that_cannot_be_read_fails_the_text_and_says_it_may_have_gone(people, twilio):
    # A proxy or captive portal can answer 2xx with a page instead of Twilio's JSON.
    twilio.answers(status=201, body="<html>Welcome to the hotel wifi</html>", content_type="text/html")
    twilio.accepts()
    sent = send_link(people.alice)

    assert len(twilio.sends) == 1
    assert sent.sms.status == SmsStatus.FAILED
    assert sent.sms.body == ""
    [detail] = sent.failure_details()
    assert "may not have gone" in detail


def test_running_the_task_twice_sends_the_text_once(people, twilio):
    twilio.accepts()
    twilio.accepts()
    message = queue_plain_text()

    send_sms.delay(message.pk)
    send_sms.delay(message.pk)

    assert len(twilio.sends) == 1
    message.refresh_from_db()
    assert message.status == SmsStatus.QUEUED
    assert message.attempts == 1


def test_a_text_another_worker_is_sending_is_not_sent_again(people, twilio):
    twilio.accepts()
    message = queue_plain_text()
    assert services.claim_for_sending(message.pk) is not None  # another worker is mid-send

    send_sms.delay(message.pk)

    assert twilio.sends == []


def test_when_retries_run_out_the_text_fails_and_the_specialist_is_told(people, twilio):
    twilio.fails(500)
    sent = send_link(people.alice)

    assert len(twilio.sends) == MAX_SEND_ATTEMPTS
    assert sent.waits == [5, 10, 20, 40]
    assert sent.sms.status == SmsStatus.FAILED
    assert sent.sms.attempts == MAX_SEND_ATTEMPTS
    assert sent.sms.body == ""
    assert sent.failure_details() == ["Not sent after 5 tries. The text service had a fault (HTTP 500)."]


def test_when_timeouts_use_up_the_retries_the_specialist_is_told_the_service_was_unreachable(people, twilio):
    twilio.raises(requests.ReadTimeout("simulated"))
    sent = send_link(people.alice)

    assert len(twilio.sends) == MAX_SEND_ATTEMPTS
    assert sent.sms.status == SmsStatus.FAILED
    assert sent.failure_details() == ["Not sent after 5 tries. Could not reach the text service (ReadTimeout)."]


def test_a_failed_text_is_never_sent_later_by_a_stray_task(people, twilio, django_capture_on_commit_callbacks):
    twilio.refuses(21211)
    twilio.accepts()
    sent = send_link(people.alice)

    with django_capture_on_commit_callbacks(execute=True):
        send_sms.delay(sent.sms.pk)

    assert len(twilio.sends) == 1
    assert SmsMessage.objects.get(pk=sent.sms.pk).status == SmsStatus.FAILED
    assert len(sent.failure_details()) == 1
