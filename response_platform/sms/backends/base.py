"""The contract every SMS backend keeps. The caller alone decides whether to retry."""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(Exception):
    """A send that did not work. `permanent` means retrying cannot help."""

    def __init__(self, message: str, *, permanent: bool, code: str = ""):
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.code = code


@dataclass(frozen=True)
class SendResult:
    sid: str
    status: str


class SmsBackend:
    def send(self, *, to: str, body: str, status_callback: str) -> SendResult:
        raise NotImplementedError


@cache
def _backend_class(path: str) -> type[SmsBackend]:
    return import_string(path)


# A training case's texts go here whatever SMS_BACKEND says: a practice call never texts a real phone.
TRAINING_BACKEND = "response_platform.sms.backends.outbox.OutboxBackend"


def get_backend(*, training: bool = False) -> SmsBackend:
    return _backend_class(TRAINING_BACKEND if training else settings.SMS_BACKEND)()
