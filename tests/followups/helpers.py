"""A case the specialist may follow up: safe contact times recorded and consent given."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.test import TestCase
from django.utils import timezone

from followups import consent, services
from tests.personas import open_case
from video.models import ConsentDecision

# Any time of any day.
ALWAYS = [{"days": [0, 1, 2, 3, 4, 5, 6], "start": "00:00", "end": "24:00"}]
WEEKDAY_MORNINGS = [{"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "12:00"}]


def followable_case(by, *, contact_windows=ALWAYS, decision=ConsentDecision.GRANTED, **case_kwargs):
    case = open_case(by, **case_kwargs)
    services.save_contact_times(case, by=by, contact_windows=contact_windows, notes="")
    if decision:
        consent.record_verbal(case, by=by, decision=decision, language="en-gb")
    case.refresh_from_db()
    return case


def committed():
    """Run on-commit callbacks (the SMS task, eager in unit tests) as a real commit would."""
    return TestCase.captureOnCommitCallbacks(execute=True)


LONDON = ZoneInfo("Europe/London")


def next_weekday(weekday: int, at: time) -> datetime:
    """A week or more from now, on `weekday` (Monday = 0) at `at`, London time."""
    day = timezone.now().astimezone(LONDON).date() + timedelta(days=7)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    return datetime.combine(day, at, tzinfo=LONDON)
