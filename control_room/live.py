"""Tell a force's open dashboards to reload, after the change commits.

A hint like every push (response_platform/lib/watch.py): the page refetches its
rows over HTTP with the viewer's permissions, and also every 15 s while visible,
so a lost push costs a delay, never a wrong screen. Nothing here ever raises into
the caller: the change itself has already been made.
"""

import logging

from django.db import transaction

from response_platform.lib.watch import panel_changed

log = logging.getLogger(__name__)

PANEL = "dashboard"


def dashboard_group(force_id) -> str:
    return f"dashboard.{force_id}"


def dashboard_changed(force_id) -> None:
    panel_changed(dashboard_group(force_id), PANEL)


def case_changed(case_id) -> None:
    """After commit, every dashboard of the case's force reloads."""
    transaction.on_commit(lambda: _tell_force_of("case", case_id))


def session_changed(session_id) -> None:
    """After commit, every dashboard of the session's force reloads."""
    transaction.on_commit(lambda: _tell_force_of("session", session_id))


def _tell_force_of(kind: str, pk) -> None:
    from response_platform.cases.models import Case
    from video.models import VideoSession

    try:
        if kind == "case":
            force_id = Case.objects.filter(pk=pk).values_list("force_id", flat=True).first()
        else:
            force_id = VideoSession.objects.filter(pk=pk).values_list("case__force_id", flat=True).first()
    except Exception as exc:  # the database is the record; the page's own refresh catches up
        log.warning("dashboard push skipped: %s", type(exc).__name__)
        return
    if force_id is not None:
        dashboard_changed(force_id)
