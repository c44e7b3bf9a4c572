"""Review statistics per team, for a force's supervisors.

Three queries whatever the number of incidents or teams: counts grouped by team, missed
opportunities grouped by team, and the review delays. Training incidents are left out.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, F, Q

from reviews.models import IncidentLog, Review, Team

TOP_MISSED = 3
TEAM = "call_handler__team_membership__team"


@dataclass
class TeamStatistics:
    team: Team | None  # None: call handlers in no team
    logged: int = 0
    reviewed: int = 0
    with_missed: int = 0
    top_missed: list[tuple[str, int]] = field(default_factory=list)
    median_to_review: timedelta | None = None

    @property
    def percent_with_missed(self) -> int | None:
        """Of the reviewed incidents, how many had at least one missed opportunity (whole per cent)."""
        return round(100 * self.with_missed / self.reviewed) if self.reviewed else None

    @property
    def median_text(self) -> str:
        return duration_text(self.median_to_review)


def team_statistics(force_id: int, *, since: datetime) -> list[TeamStatistics]:
    """Every team of the force (and "no team" when it has incidents), for incidents handled since `since`."""
    incidents = IncidentLog.objects.filter(force_id=force_id, handled_at__gte=since).exclude(_training())
    rows = {team.pk: TeamStatistics(team) for team in Team.objects.filter(force_id=force_id).order_by("name")}
    for counts in _counts(incidents):
        row = _row(rows, counts["team"])
        row.logged += counts["logged"]
        row.reviewed += counts["reviewed"]
        row.with_missed += counts["with_missed"]
    for team_id, missed in _missed_by_team(incidents).items():
        _row(rows, team_id).top_missed = missed[:TOP_MISSED]
    for team_id, delays in _delays_by_team(incidents).items():
        _row(rows, team_id).median_to_review = _median(delays)
    return list(rows.values())


def _training() -> Q:
    """Logged as training, or linked to a case marked as training since (once cases have the flag)."""
    from response_platform.cases.models import Case

    has_flag = any(f.name == "is_training" for f in Case._meta.get_fields())
    return Q(is_training=True) | Q(case__is_training=True) if has_flag else Q(is_training=True)


def _row(rows: dict, team_id: int | None) -> TeamStatistics:
    # A team id not of this force (a membership an admin got wrong) counts as "no team".
    return rows[team_id] if team_id in rows else rows.setdefault(None, TeamStatistics(None))


def _counts(incidents):
    # Distinct counts: the join through the missed opportunities repeats an incident per opportunity.
    return (
        incidents.values(team=F(TEAM))
        .annotate(
            logged=Count("pk", distinct=True),
            reviewed=Count("review", distinct=True),
            with_missed=Count("review", filter=Q(review__missed_opportunities__isnull=False), distinct=True),
        )
        .order_by()
    )


def _missed_by_team(incidents) -> dict[int | None, list[tuple[str, int]]]:
    """Each team's missed opportunities, most often named first (then by the list's order)."""
    through = Review.missed_opportunities.through.objects.filter(review__incident__in=incidents)
    counted = (
        through.values("missedopportunity__label", "missedopportunity__order", team=F(f"review__incident__{TEAM}"))
        .annotate(n=Count("pk"))
        .order_by("-n", "missedopportunity__order", "missedopportunity__label")
    )
    by_team: dict[int | None, list[tuple[str, int]]] = defaultdict(list)
    for row in counted:
        by_team[row["team"]].append((row["missedopportunity__label"], row["n"]))
    return by_team


def _delays_by_team(incidents) -> dict[int | None, list[timedelta]]:
    reviewed = incidents.filter(review__isnull=False).values_list(TEAM, "handled_at", "review__reviewed_at")
    by_team: dict[int | None, list[timedelta]] = defaultdict(list)
    for team_id, handled_at, reviewed_at in reviewed:
        by_team[team_id].append(reviewed_at - handled_at)
    return by_team


def _median(delays: list[timedelta]) -> timedelta:
    ordered = sorted(delays)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def duration_text(delay: timedelta | None) -> str:
    """Like "3 d 4 h", "2 h 15 min" or "40 min": precise enough to compare teams."""
    if delay is None:
        return ""
    minutes = int(delay.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"
