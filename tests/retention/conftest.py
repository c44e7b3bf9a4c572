from tests.sms.conftest import twilio  # noqa: F401  (texts go through the real Twilio client, faked at HTTP)
