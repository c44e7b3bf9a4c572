"""The session record and consent decisions are only ever added to."""

import pytest

from response_platform.cases.models import Case
from response_platform.lib.append_only import AppendOnlyError
from tests.personas import session_with_link
from video.models import ConsentRecord, EventKind, SessionEvent


def test_an_entry_in_the_session_record_cannot_be_edited_or_deleted(people):
    session, _, _ = session_with_link(people.alice)
    event = session.events.get(kind=EventKind.SMS_QUEUED)
    event.kind = EventKind.ENDED
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        SessionEvent.objects.filter(session=session).update(detail="changed")
    with pytest.raises(AppendOnlyError):
        session.events.all().delete()
    assert session.events.filter(kind=EventKind.SMS_QUEUED).exists()


def test_a_consent_decision_cannot_be_rewritten(people):
    session, _, _ = session_with_link(people.alice)
    record = ConsentRecord.objects.create(
        case=session.case,
        session=session,
        scope="video",
        decision="refused",
        notice_version="v",
        notice_sha256="0" * 64,
        language="en-gb",
    )
    record.decision = "granted"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        ConsentRecord.objects.filter(pk=record.pk).update(decision="granted")
    assert ConsentRecord.objects.get(pk=record.pk).decision == "refused"


def test_removing_a_whole_case_still_takes_its_record_with_it(people):
    """Retention deletes cases; their records go with them, not one edit at a time."""
    session, _, _ = session_with_link(people.alice)
    Case.objects.filter(pk=session.case_id).delete()
    assert not SessionEvent.objects.filter(case_id=session.case_id).exists()
