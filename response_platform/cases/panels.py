"""Sections of the case page that other apps own, each reloadable on its own.

Each entry names a function `(request, case) -> str` returning the panel's HTML.
The case page renders them in this order; when something changes, the owning
service calls `case_panel_changed(case_id, name)` and every open case page
reloads that panel through `cases:panel`, with the viewer's own permissions.
Panels show state and small actions, never a half-filled form: they are
replaced in place whenever anything changes.
"""

from django.utils.module_loading import import_string

from response_platform.lib.watch import panel_changed

PANELS = {
    "risk": "referrals.risk_views.case_panel",
    "referrals": "referrals.case_views.case_panel",
    "followups": "followups.views.case_panel",
    "replies": "response_platform.sms.inbound_views.case_panel",
    "wrapup": "control_room.views.case_panel",
}
# The wrap-up checklist is computed from these panels' records, and the control-room
# dashboard shows them: a change to one reloads both.
CHECKLIST_SOURCES = {"risk", "referrals", "followups", "wrapup"}


def case_group(case_id) -> str:
    return f"case.{case_id}"


def case_panel_changed(case_id, name: str) -> None:
    """Every open page of this case reloads `name`. A hint: it never raises."""
    if name not in PANELS:  # a typo in the caller; not an assert, which python -O would drop
        raise ValueError(name)
    panel_changed(case_group(case_id), name)
    if name in CHECKLIST_SOURCES:
        from control_room.live import case_changed

        if name != "wrapup":
            panel_changed(case_group(case_id), "wrapup")
        case_changed(case_id)


def render_panel(request, case, name: str) -> str:
    return import_string(PANELS[name])(request, case)


def render_all(request, case) -> list[tuple[str, str]]:
    return [(name, render_panel(request, case, name)) for name in PANELS]
