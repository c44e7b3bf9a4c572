"""Past the case period the whole case goes; a statistics row with nothing personal stays."""

from datetime import date

from django.utils import timezone

from referrals.models import Referral, RiskAssessment
from response_platform.audit.models import AuditEvent
from response_platform.cases.models import Case
from response_platform.retention.models import CaseStatistic
from response_platform.sms.models import InboundSms, SmsMessage
from tests.retention.scene import build, run
from video.models import ChatMessage, ConsentRecord, SessionEvent, VideoSession


def test_a_case_just_inside_its_period_is_kept(people, twilio):
    scene = build(people, twilio)
    assert run(people.force_a, 2189)["cases"] == 0
    assert Case.objects.filter(pk=scene.case.pk).exists()
    assert not CaseStatistic.objects.exists()


def test_a_case_just_past_its_period_is_deleted_with_everything_hanging_off_it(people, twilio):
    build(people, twilio)
    assert run(people.force_a, 2191)["cases"] == 1
    for model in (Case, VideoSession, ChatMessage, SessionEvent, ConsentRecord, RiskAssessment, Referral):
        assert not model._base_manager.exists(), model
    assert not SmsMessage.objects.exists()
    assert not InboundSms.objects.exists()


def test_the_statistics_of_an_erased_case_are_kept_without_personal_data(people, twilio):
    scene = build(people, twilio)
    opened = timezone.localdate(scene.case.created_at)
    run(people.force_a, 2191)
    stat = CaseStatistic.objects.get()
    assert stat.force == people.force_a
    assert stat.created_month == date(opened.year, opened.month, 1)
    assert (stat.risk_level, stat.referrals_by_kind) == ("high", {"idva": 1})
    assert (stat.sessions, stat.calls_connected, stat.session_outcome, stat.follow_ups) == (1, 0, "link_sent", 1)
    # Nothing in it names or points back to the case.
    assert str(scene.case.pk) not in str(CaseStatistic.objects.values_list())
    assert "INC-7001" not in str(CaseStatistic.objects.values_list())


def test_erasing_a_case_writes_an_erasure_entry_naming_only_its_id(people, twilio):
    scene = build(people, twilio)
    run(people.force_a, 2191)
    entry = AuditEvent.objects.get(action="erasure")
    assert (entry.object_type, entry.object_id, entry.force_id) == ("cases.case", str(scene.case.pk), people.force_a.pk)
    assert entry.detail == "retention: case record past 2190 days"
    assert "INC-7001" not in str(list(AuditEvent.objects.values_list()))


def test_running_twice_changes_nothing_more(people, twilio):
    build(people, twilio, reference="INC-7001")
    kept = build(people, twilio, reference="INC-7002")
    # The second case had a reply four years on: its record is not yet due, its contact details are.
    InboundSms.objects.filter(case=kept.case).update(received_at=kept.case.created_at + timezone.timedelta(days=1460))
    first = run(people.force_a, 2191)
    entries = AuditEvent.objects.count()
    kept.case.refresh_from_db()
    assert first == {"cases": 1, "contact": 1, "chat": 1, "locations_and_snapshots": 0}
    assert run(people.force_a, 2191) == {"cases": 0, "contact": 0, "chat": 0, "locations_and_snapshots": 0}
    assert AuditEvent.objects.count() == entries
    assert CaseStatistic.objects.count() == 1
    assert Case.objects.get().contact_erased_at == kept.case.contact_erased_at
