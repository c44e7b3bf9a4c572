"""Pages for call handlers (their incidents and feedback), reviewers (the queue, a review) and
supervisors (statistics per team). Times are shown and typed in the force's timezone."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from response_platform.accounts.permissions import can_log_incidents, can_review_incidents, can_see_review_stats
from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record
from reviews import selectors, services
from reviews.forms import IncidentForm, ReviewForm
from reviews.questions import labelled
from reviews.statistics import team_statistics

OWN_LIMIT = 100
PERIODS = (30, 90, 365)


def _force_time(user):
    return timezone.override(ZoneInfo(user.force.timezone))


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


def my_incidents(request):
    """A call handler's start page: the incidents they logged, each review's feedback once given."""
    if not can_log_incidents(request.user):
        raise PermissionDenied
    incidents = list(selectors.own_incidents(request.user)[:OWN_LIMIT])
    context = {"incidents": incidents, "title": _("My incidents")}
    with _force_time(request.user):
        return _no_store(render(request, "reviews/my_incidents.html", context))


def log_incident(request):
    if not can_log_incidents(request.user):
        raise PermissionDenied
    with _force_time(request.user):
        initial = {"handled_at": timezone.localtime().replace(second=0, microsecond=0)}
        form = IncidentForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            services.log_incident(
                by=request.user,
                incident_reference=data["incident_reference"],
                handled_at=data["handled_at"],
                decision=data["decision"],
                risk_answers=form.risk_answers(),
                notes=data["notes"],
                is_training=data["is_training"],
            )
            messages.success(request, _("Incident logged: a specialist will review it."))
            return redirect("reviews:mine")
        return render(request, "reviews/log.html", {"form": form, "title": _("Log an incident")})


@require_POST
def acknowledge(request, incident_id: int):
    if not can_log_incidents(request.user):
        raise PermissionDenied
    incident = selectors.get_own_incident(request.user, incident_id)
    if services.acknowledge(incident, by=request.user):
        messages.success(request, _("Thank you: the reviewer can see you have read the feedback."))
    return redirect("reviews:mine")


def queue(request):
    """The force's unreviewed incidents, oldest first, optionally for one team."""
    if not can_review_incidents(request.user):
        raise PermissionDenied
    teams = list(selectors.teams_of(request.user))
    team = next((t for t in teams if str(t.pk) == request.GET.get("team", "")), None)
    incidents = list(selectors.review_queue(request.user, team.pk if team else None)[: selectors.QUEUE_LIMIT])
    context = {"incidents": incidents, "teams": teams, "team": team, "title": _("Review queue")}
    with _force_time(request.user):
        return _no_store(render(request, "reviews/queue.html", context))


def review(request, incident_id: int):
    """One incident, as the call handler logged it, and the form to review it (or correct a review)."""
    if not can_review_incidents(request.user):
        raise PermissionDenied
    incident = selectors.get_incident_to_review(request.user, incident_id)
    existing = getattr(incident, "review", None)
    form = ReviewForm(request.POST or None, force_id=incident.force_id, review=existing, initial=_initial(existing))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.review_incident(
            incident, by=request.user, outcome=data["outcome"], feedback=data["feedback"], missed=data["missed"]
        )
        messages.success(request, _("Review saved: the call handler sees it on their page."))
        return redirect("reviews:queue")
    # DPA 2018 s.62: the page shows the caller's risk answers and the handler's notes.
    record(AuditAction.CONSULTATION, incident, actor=request.user, detail="incident review page")
    context = {
        "incident": incident,
        "answers": labelled(incident.risk_answers),
        "form": form,
        "existing": existing,
        "title": _("Review %(reference)s") % {"reference": incident.incident_reference},
    }
    with _force_time(request.user):
        return _no_store(render(request, "reviews/review.html", context))


def _initial(existing) -> dict:
    if existing is None:
        return {}
    return {"outcome": existing.outcome, "feedback": existing.feedback, "missed": existing.missed_opportunities.all()}


def statistics(request):
    if not can_see_review_stats(request.user):
        raise PermissionDenied
    days = int(request.GET["days"]) if request.GET.get("days") in {str(p) for p in PERIODS} else 90
    rows = team_statistics(request.user.force_id, since=timezone.now() - timedelta(days=days))
    context = {"rows": rows, "days": days, "periods": PERIODS, "title": _("Review statistics")}
    return _no_store(render(request, "reviews/statistics.html", context))
