"""Any text in any field of the product's forms: a page or a redirect, never a 500 or a stray row.

Each form is posted by the persona who uses it. Every field gets junk (NUL bytes,
very long strings, digits of other scripts, markup, line breaks, impossible dates) or
is left out. A refused submission (anything but a redirect) must not write a row.
Each example runs in a savepoint rolled back afterwards, so all start from the same rows.
"""

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from followups import services as followup_services
from referrals import risk
from referrals.risk_forms import RiskAssessmentForm
from response_platform.cases.models import Case
from tests.followups.helpers import followable_case
from tests.fuzz.strategies import http_text
from tests.personas import PASSWORD, session_with_link, verified_client
from tests.referrals.referring import refer
from tests.sockets import victim_cookie
from video.notices import NOTICE_VERSION

pytestmark = pytest.mark.django_db

# Rows of these apps are what a submission writes. The audit trail is left out: reading a page is logged there.
WRITTEN_APPS = ["accounts", "cases", "referrals", "followups", "video", "sms"]
ANSWERED = {200, 302, 400, 403, 404, 405, 429}


@dataclass
class Target:
    client: Client
    url: str
    # Each field with values worth trying besides junk (the right ones, so junk in one field meets valid others).
    fields: dict[str, list[str]]


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for label in WRITTEN_APPS
        for model in apps.get_app_config(label).get_models()
    }


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def login(people) -> Target:
    fields = {
        "username": ["alice"],
        "password": [PASSWORD],
        "otp_token": ["123456"],
        "next": ["/cases/", "//evil.example"],
    }
    return Target(Client(), "/login/", fields)


def new_case(people) -> Target:
    fields = {
        "incident_reference": ["INC-1"],
        "victim_phone": ["07700 900456"],
        "preferred_language": ["en-gb", "cy"],
        "safe_to_text_confirmed": ["on"],
    }
    return Target(verified_client(people.alice), "/cases/new/", fields)


def _case(people) -> Case:
    return followable_case(people.alice)


def risk_form(people) -> Target:
    case = _case(people)
    form = RiskAssessmentForm(questions=risk.questions_of(risk.current_questionnaire()))
    fields = {name: ["yes", "no", "not_known", "0", "on", ""] for name in form.fields}
    return Target(verified_client(people.alice), f"/cases/{case.pk}/risk/", fields)


def new_referral(people) -> Target:
    case = _case(people)
    fields = {
        "service": [str(people.service_a.pk), str(people.service_b.pk)],
        "consent": ["verbal", "on_device", "refused", "judgement"],
        "reason": ["Risk to life"],
    }
    return Target(verified_client(people.alice), f"/cases/{case.pk}/referrals/new/?kind=idva", fields)


def referral_filter(people) -> Target:
    """The GET filter on the same page: junk in the query string."""
    case = _case(people)
    return Target(verified_client(people.alice), f"/cases/{case.pk}/referrals/new/", {"kind": ["idva"], "area": ["x"]})


def _referral(people):
    case = _case(people)
    return case, refer(case, people.service_a, people.alice)


def staff_message(people) -> Target:
    case, referral = _referral(people)
    url = f"/cases/{case.pk}/referrals/{referral.pk}/messages/"
    return Target(verified_client(people.alice), url, {"body": ["Hello"]})


def portal_step(step: str) -> Callable:
    def target(people) -> Target:
        _, referral = _referral(people)
        url = f"/portal/referrals/{referral.pk}/{step}/"
        return Target(
            verified_client(people.sid), url, {"text": ["Done"], "outcome": ["made", "not_made"], "body": ["Hi"]}
        )

    target.__name__ = f"portal_{step}"
    return target


def case_form(path: str, fields: dict[str, list[str]]) -> Callable:
    def target(people) -> Target:
        case = _case(people)
        return Target(verified_client(people.alice), f"/cases/{case.pk}/{path}", fields)

    target.__name__ = path.replace("/", "_").replace("-", "_")
    return target


CONTACT_TIMES = {"notes": ["Mornings only"]} | {
    name: values
    for i in range(3)
    for name, values in {
        f"days_{i}": ["0", "6", "7"],
        f"start_{i}": ["09:00", "24:00"],
        f"end_{i}": ["12:00", "08:00"],
    }.items()
}
WHEN = ["2031-03-05T10:00", "2031-03-30T01:30", "2020-01-01T10:00"]


def reschedule(people) -> Target:
    case = _case(people)
    follow_up = followup_services.schedule(case, by=people.alice, kind="check_in_sms", due_at=timezone.now())
    return Target(verified_client(people.alice), f"/follow-ups/{follow_up.pk}/move/", {"due_at": WHEN})


def victim_consent(people) -> Target:
    _, _, token = session_with_link(people.alice)
    phone = Client()
    name, value = victim_cookie(token, video=None).split("=", 1)
    phone.cookies[name] = value
    return Target(
        phone, "/v/consent/", {"notice_version": [NOTICE_VERSION], "video": ["yes", "no"], "location": ["yes"]}
    )


TARGETS = [
    login,
    new_case,
    risk_form,
    new_referral,
    referral_filter,
    staff_message,
    portal_step("decline"),
    portal_step("contact"),
    portal_step("close"),
    portal_step("messages"),
    case_form("follow-ups/contact-times/", CONTACT_TIMES),
    case_form("follow-ups/consent/", {"decision": ["granted", "refused"], "read_out": ["on"]}),
    case_form("follow-ups/new/", {"kind": ["check_in_sms", "callback"], "due_at": WHEN}),
    case_form("video-calls/new/", {"starts_at": WHEN, "minutes": ["15", "30", "60"]}),
    reschedule,
    victim_consent,
]


def posted(fields: dict[str, list[str]]):
    """Each field left out, given a right value, or given junk (sometimes more than once)."""
    return st.fixed_dictionaries(
        {},
        optional={
            name: st.lists(st.sampled_from(good) | http_text, min_size=1, max_size=2) for name, good in fields.items()
        },
    )


@pytest.mark.parametrize("make", TARGETS, ids=lambda make: make.__name__)
def test_a_form_answers_any_text_with_a_page_and_writes_nothing_when_it_refuses(people, make):
    target = make(people)

    @settings(max_examples=40)
    @given(data=posted(target.fields))
    def check(data):
        with rolled_back():
            before = row_counts()
            if make is referral_filter:
                response = target.client.get(target.url, data)
            else:
                response = target.client.post(target.url, data)
            assert response.status_code in ANSWERED, response.status_code
            if response.status_code != 302:
                assert row_counts() == before, "a refused submission wrote a row"

    check()
