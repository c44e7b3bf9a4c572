"""Pages for follow-ups and booked video calls, and the case page's follow-ups panel.

Times are shown and typed in the force's timezone. Changes need a role that may
contact victims; another force's case or row is a 404 (selectors).
"""

from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from followups import appointments, consent, selectors, services, windows
from followups.forms import (
    BookForm,
    ConsentForm,
    ContactTimesForm,
    RescheduleForm,
    ScheduleForm,
    add_service_error,
)
from followups.models import FollowUpKind
from response_platform.accounts.permissions import can_schedule_follow_ups
from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record
from response_platform.cases.selectors import get_case_for


@contextmanager
def force_time(case):
    with timezone.override(ZoneInfo(case.force.timezone)):
        yield


def _case_to_change(request, case_id):
    if not can_schedule_follow_ups(request.user):
        raise PermissionDenied
    return get_case_for(request.user, case_id)


def _back_to_case(case_id):
    return redirect("cases:detail", case_id=case_id)


def case_panel(request, case) -> str:
    with force_time(case):
        context = {
            "case": case,
            "consent": consent.latest(case),
            "windows": windows.describe(case.contact_windows),
            "can_contact": can_schedule_follow_ups(request.user),
            "tz_name": case.force.timezone,
            **selectors.for_case(case),
        }
        return render_to_string("followups/panel.html", context, request=request)


def contact_times(request, case_id):
    case = _case_to_change(request, case_id)
    form = ContactTimesForm(request.POST or None, initial=ContactTimesForm.initial_for(case))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.save_contact_times(case, by=request.user, contact_windows=data["contact_windows"], notes=data["notes"])
        messages.success(request, _("Safe contact times saved."))
        return _back_to_case(case.pk)
    # The form shows the caller's safe contact notes and times.
    record(AuditAction.CONSULTATION, case, actor=request.user, detail="safe contact times page")
    context = {"case": case, "form": form, "title": _("Safe contact times")}
    return render(request, "followups/contact_times.html", context)


def record_consent(request, case_id):
    case = _case_to_change(request, case_id)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        consent.record_verbal(
            case, by=request.user, decision=form.cleaned_data["decision"], language=case.preferred_language
        )
        messages.success(request, _("The caller's answer was recorded."))
        return _back_to_case(case.pk)
    with translation.override(case.preferred_language):
        words = consent.notice_text()
    context = {
        "case": case,
        "form": form,
        "words": words,
        "current": consent.latest(case),
        "title": _("Follow-up consent"),
    }
    return render(request, "followups/consent.html", context)


def schedule(request, case_id):
    case = _case_to_change(request, case_id)
    with force_time(case):
        form = ScheduleForm(request.POST or None, initial={"kind": request.GET.get("kind", FollowUpKind.CHECK_IN_SMS)})
        if request.method == "POST" and form.is_valid():
            asked_for = form.cleaned_data["due_at"]
            try:
                follow_up = services.schedule(case, by=request.user, kind=form.cleaned_data["kind"], due_at=asked_for)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                _say_when(request, follow_up, asked_for)
                return _back_to_case(case.pk)
        context = {"case": case, "form": form, "title": _("Schedule a follow-up"), "tz_name": case.force.timezone}
        return render(request, "followups/schedule.html", context)


def _say_when(request, follow_up, asked_for) -> None:
    when = timezone.localtime(follow_up.due_at).strftime("%a %d %b %H:%M")
    if follow_up.due_at > asked_for:
        text = _("That time is outside the caller's safe contact times, so it is due at %(when)s instead.")
        messages.warning(request, text % {"when": when})
    else:
        messages.success(request, _("Scheduled for %(when)s.") % {"when": when})


def reschedule(request, pk):
    if not can_schedule_follow_ups(request.user):
        raise PermissionDenied
    follow_up = selectors.get_follow_up_for(request.user, pk)
    case = follow_up.case
    with force_time(case):
        form = RescheduleForm(request.POST or None, initial={"due_at": timezone.localtime(follow_up.due_at)})
        if request.method == "POST" and form.is_valid():
            asked_for = form.cleaned_data["due_at"]
            try:
                follow_up = services.reschedule(follow_up, by=request.user, due_at=asked_for)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                _say_when(request, follow_up, asked_for)
                return _back_to_case(case.pk)
        context = {
            "case": case,
            "form": form,
            "follow_up": follow_up,
            "title": _("Move a follow-up"),
            "tz_name": case.force.timezone,
        }
        return render(request, "followups/reschedule.html", context)


@require_POST
def cancel(request, pk):
    if not can_schedule_follow_ups(request.user):
        raise PermissionDenied
    follow_up = selectors.get_follow_up_for(request.user, pk)
    try:
        services.cancel(follow_up, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back_to_case(follow_up.case_id)


@require_POST
def done(request, pk):
    if not can_schedule_follow_ups(request.user):
        raise PermissionDenied
    follow_up = selectors.get_follow_up_for(request.user, pk)
    services.mark_done(follow_up, by=request.user)
    if request.POST.get("next") == "reminders":
        return redirect("followups:reminders")
    return _back_to_case(follow_up.case_id)


def book(request, case_id):
    case = _case_to_change(request, case_id)
    with force_time(case):
        form = BookForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                data = form.cleaned_data
                appointment = appointments.book(
                    case, by=request.user, starts_at=data["starts_at"], minutes=data["minutes"]
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                when = timezone.localtime(appointment.starts_at).strftime("%a %d %b %H:%M")
                messages.success(request, _("Video call booked for %(when)s.") % {"when": when})
                return _back_to_case(case.pk)
        record(AuditAction.CONSULTATION, case, actor=request.user, detail="book a video call page")
        context = {
            "case": case,
            "form": form,
            "title": _("Book a video call"),
            "tz_name": case.force.timezone,
            "windows": windows.describe(case.contact_windows),
            "lead_minutes": int(appointments.LINK_LEAD.total_seconds() // 60),
        }
        return render(request, "followups/book.html", context)


@require_POST
def cancel_appointment(request, pk):
    if not can_schedule_follow_ups(request.user):
        raise PermissionDenied
    appointment = selectors.get_appointment_for(request.user, pk)
    appointments.cancel(appointment, by=request.user)
    return _back_to_case(appointment.case_id)


def reminders(request):
    """Everything due for this specialist across their cases: callbacks and booked calls."""
    if not can_schedule_follow_ups(request.user):
        raise PermissionDenied
    context = {"reminders": selectors.due_reminders_for(request.user), "title": _("My reminders")}
    with timezone.override(ZoneInfo(request.user.force.timezone)):
        return render(request, "followups/reminders.html", context)
