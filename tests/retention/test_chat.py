"""Chat is erased once past the force's chat period; the rest of the case stays."""

from response_platform.audit.models import AuditEvent
from tests.retention.scene import CHAT, PHONE, build, run
from video.models import ChatMessage


def test_chat_just_inside_its_period_is_kept(people, twilio):
    scene = build(people, twilio)
    assert run(people.force_a, 89)["chat"] == 0
    assert [m.text for m in ChatMessage.objects.filter(session=scene.session)] == [CHAT]


def test_chat_just_past_its_period_is_erased_and_nothing_else_is(people, twilio):
    scene = build(people, twilio)
    assert run(people.force_a, 91)["chat"] == 1
    assert not ChatMessage.objects.exists()
    scene.case.refresh_from_db()
    assert scene.case.victim_phone == PHONE  # contact details have a longer period
    assert scene.session.events.exists()


def test_a_force_with_a_shorter_chat_period_erases_sooner(people, twilio):
    build(people, twilio)
    people.force_a.retain_chat_days = 7
    people.force_a.save()
    assert run(people.force_a, 8)["chat"] == 1
    assert not ChatMessage.objects.exists()


def test_another_forces_run_leaves_this_forces_chat_alone(people, twilio):
    build(people, twilio)
    assert run(people.force_b, 1000) == {"cases": 0, "contact": 0, "chat": 0, "locations_and_snapshots": 0}
    assert ChatMessage.objects.count() == 1


def test_erasing_chat_writes_an_erasure_entry_for_its_session_without_the_words(people, twilio):
    scene = build(people, twilio)
    run(people.force_a, 91)
    entry = AuditEvent.objects.get(action="erasure")
    assert (entry.object_type, entry.object_id) == ("video.videosession", str(scene.session.pk))
    assert entry.case_id == scene.case.pk
    assert entry.detail == "retention: chat past 90 days (1 chat messages)"
    assert CHAT not in str(AuditEvent.objects.values_list())
