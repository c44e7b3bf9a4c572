"""The nightly task: every force, plus replies from numbers no case ever had."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.test import TestCase
from django.utils import timezone

from response_platform.audit.models import AuditEvent
from response_platform.cases.models import Case
from response_platform.celery import app
from response_platform.retention.classes import ERASED
from response_platform.retention.tasks import apply_retention
from response_platform.sms.inbound import record_reply
from response_platform.sms.models import InboundSms
from tests.personas import open_case

STRANGER = "+447700900777"


def reply_from_a_stranger(days_ago: float, body: str) -> InboundSms:
    with TestCase.captureOnCommitCallbacks(execute=True):
        reply = record_reply(sid="SM" + secrets.token_hex(16), from_number=STRANGER, body=body).reply
    InboundSms.objects.filter(pk=reply.pk).update(received_at=timezone.now() - timedelta(days=days_ago))
    return reply


def test_it_is_scheduled_nightly_on_the_default_queue():
    entry = settings.CELERY_BEAT_SCHEDULE["apply-retention"]
    assert entry["task"] == "retention.apply"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({2}, {30})
    assert "retention.apply" in app.tasks
    assert app.amqp.router.route({}, "retention.apply")["queue"].name == "default"


def test_the_task_applies_each_forces_own_periods(people):
    for force in (people.force_a, people.force_b):
        force.retain_contact_days = 10 if force == people.force_a else 30
        force.save()
    a = open_case(people.alice, phone="+447700900301")
    b = open_case(people.olivia, phone="+447700900302")
    Case.objects.update(created_at=timezone.now() - timedelta(days=20))
    apply_retention.delay()
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.victim_phone == ERASED
    assert b.victim_phone == "+447700900302"


def test_replies_from_unknown_numbers_are_erased_after_the_setting_s_period(db, settings):
    settings.RETENTION_UNMATCHED_SMS_DAYS = 30
    old = reply_from_a_stranger(31, "who is this")
    recent = reply_from_a_stranger(29, "is this the bank")
    apply_retention.delay()
    assert list(InboundSms.objects.values_list("pk", flat=True)) == [recent.pk]
    entry = AuditEvent.objects.get(action="erasure")
    assert (entry.object_type, entry.object_id) == ("sms.inboundsms", str(old.pk))
    assert entry.detail == "retention: reply from an unknown number past 30 days"
