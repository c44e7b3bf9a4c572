from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from followups.windows import clean_windows, describe, is_inside, next_safe_time

LONDON = "Europe/London"
UTC = ZoneInfo("UTC")
MORNINGS = [{"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "12:00"}]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_a_time_inside_a_window_is_safe():
    assert is_inside(MORNINGS, at("2026-11-30T10:00"), LONDON)  # a Monday, GMT


def test_a_time_outside_a_window_is_not():
    assert not is_inside(MORNINGS, at("2026-11-30T12:00"), LONDON)  # the end is not inside
    assert not is_inside(MORNINGS, at("2026-11-28T10:00"), LONDON)  # a Saturday


def test_windows_are_in_the_forces_local_time():
    # 08:30 UTC in July is 09:30 in London (BST).
    assert is_inside(MORNINGS, at("2026-07-06T08:30"), LONDON)
    assert not is_inside(MORNINGS, at("2026-07-06T08:30"), "UTC")


def test_the_next_safe_time_is_the_next_opening():
    assert next_safe_time(MORNINGS, at("2026-11-30T13:00"), LONDON) == at("2026-12-01T09:00")
    # Friday afternoon: Monday morning.
    assert next_safe_time(MORNINGS, at("2026-12-04T13:00"), LONDON) == at("2026-12-07T09:00")


def test_a_time_inside_a_window_is_its_own_next_safe_time():
    assert next_safe_time(MORNINGS, at("2026-11-30T10:15"), LONDON) == at("2026-11-30T10:15")


def test_there_is_no_safe_time_without_windows():
    assert next_safe_time([], at("2026-11-30T10:00"), LONDON) is None
    assert next_safe_time(None, at("2026-11-30T10:00"), LONDON) is None


def test_a_window_can_run_to_midnight():
    evenings = clean_windows([{"days": [5], "start": "20:00", "end": "24:00"}])
    assert is_inside(evenings, at("2026-11-28T23:59"), LONDON)
    assert not is_inside(evenings, at("2026-11-29T00:00"), LONDON)


def test_it_refuses_a_window_that_ends_before_it_starts():
    with pytest.raises(ValidationError):
        clean_windows([{"days": [0], "start": "12:00", "end": "09:00"}])


def test_it_refuses_a_window_with_no_days_or_a_bad_time():
    with pytest.raises(ValidationError):
        clean_windows([{"days": [], "start": "09:00", "end": "12:00"}])
    with pytest.raises(ValidationError):
        clean_windows([{"days": [1], "start": "9am", "end": "12:00"}])


def test_it_describes_windows_for_the_case_page():
    assert describe(MORNINGS) == ["Mon, Tue, Wed, Thu, Fri 09:00–12:00"]
