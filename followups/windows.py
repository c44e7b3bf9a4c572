"""Safe contact windows: when the caller said a text will not put them at risk.

Stored on the case as `[{"days": [0, 1, 2], "start": "09:00", "end": "12:00"}]`, in
the force's local time (Monday = 0). "24:00" ends a window at midnight. No windows
means no text may be sent at all: a guess at a safe time is not a safe time.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

END_OF_DAY = "24:00"
# A window recurs weekly, so a week and a day always reaches the next opening.
SEARCH_DAYS = 8


def parse_clock(value: str) -> time | None:
    """ "HH:MM" to a time; "24:00" to None (midnight at the end of the day)."""
    if value == END_OF_DAY:
        return None
    try:
        return time.fromisoformat(value).replace(second=0, microsecond=0)
    except (TypeError, ValueError):
        raise ValidationError(_("Enter times as HH:MM.")) from None


def clean_windows(windows: list[dict]) -> list[dict]:
    """Check and normalise windows; raises ValidationError naming what is wrong."""
    cleaned = []
    for window in windows:
        days = sorted({int(day) for day in window.get("days", [])})
        if not days or any(day not in range(7) for day in days):
            raise ValidationError(_("Choose at least one day for each safe time."))
        start, end = parse_clock(window.get("start", "")), parse_clock(window.get("end", ""))
        if start is None or (end is not None and end <= start):
            raise ValidationError(_("Each safe time must end after it starts (use 24:00 for midnight)."))
        cleaned.append({"days": days, "start": start.strftime("%H:%M"), "end": _clock(end)})
    return cleaned


def _clock(value: time | None) -> str:
    return END_OF_DAY if value is None else value.strftime("%H:%M")


def _openings_on(windows: list[dict], day: date, tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    spans = []
    for window in windows:
        if day.weekday() not in window["days"]:
            continue
        start, end = parse_clock(window["start"]), parse_clock(window["end"])
        begins = datetime.combine(day, start or time(0), tzinfo=tz)
        if end is None:
            ends = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
        else:
            ends = datetime.combine(day, end, tzinfo=tz)
        spans.append((begins, ends))
    return spans


def _spans_from(windows: list[dict], when: datetime, tz: ZoneInfo):
    first_day = when.astimezone(tz).date() - timedelta(days=1)  # a window may have begun yesterday
    for offset in range(SEARCH_DAYS + 1):
        yield from _openings_on(windows, first_day + timedelta(days=offset), tz)


def is_inside(windows: list[dict] | None, when: datetime, tz_name: str) -> bool:
    tz = ZoneInfo(tz_name)
    return any(begins <= when < ends for begins, ends in _spans_from(windows or [], when, tz))


def next_safe_time(windows: list[dict] | None, when: datetime, tz_name: str) -> datetime | None:
    """`when` itself if it is inside a window, else the next opening; None without windows."""
    tz = ZoneInfo(tz_name)
    candidates = []
    for begins, ends in _spans_from(windows or [], when, tz):
        if begins <= when < ends:
            return when
        if begins > when:
            candidates.append(begins)
    return min(candidates, default=None)


def describe(windows: list[dict] | None) -> list[str]:
    """One line per window for the case panel, e.g. "Mon, Tue 09:00–12:00"."""
    names = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
    return [
        f"{', '.join(names[day] for day in window['days'])} {window['start']}–{window['end']}"
        for window in windows or []
    ]
