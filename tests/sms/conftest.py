import pytest
import responses

from tests.sms.twilio_fake import TWILIO_BACKEND, TwilioApi


@pytest.fixture
def twilio(settings) -> TwilioApi:
    """Send through the Twilio backend. A request with no scripted answer gets ConnectionError (unreachable)."""
    settings.SMS_BACKEND = TWILIO_BACKEND
    # A later answer that goes unused is fine (a retry that was never needed).
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield TwilioApi(mock)
