"""Permission-scoped reads: staff see only their own force's follow-ups and booked calls."""

from django.shortcuts import get_object_or_404

from followups.models import REMINDER_KINDS, Appointment, FollowUp, FollowUpStatus
from response_platform.accounts.permissions import can_view_cases


def follow_ups_for(user):
    if not can_view_cases(user):
        return FollowUp.objects.none()
    return FollowUp.objects.filter(case__force_id=user.force_id)


def get_follow_up_for(user, pk) -> FollowUp:
    return get_object_or_404(follow_ups_for(user).select_related("case__force"), pk=pk)


def get_appointment_for(user, pk) -> Appointment:
    appointments = Appointment.objects.filter(case__force_id=user.force_id)
    if not can_view_cases(user):
        appointments = appointments.none()
    return get_object_or_404(appointments, pk=pk)


def for_case(case) -> dict:
    """What the case panel shows, in three queries however long the lists."""
    rows = list(case.follow_ups.select_related("sms", "appointment").order_by("-due_at", "-pk")[:50])
    return {
        "due_reminders": [r for r in rows if r.is_reminder and r.status == FollowUpStatus.SENT and not r.done_at],
        "follow_ups": rows,
        "appointments": list(case.appointments.order_by("-starts_at")[:10]),
    }


def due_reminders_for(user):
    """Reminders that fell due for this specialist and are not yet dealt with."""
    return (
        follow_ups_for(user)
        .filter(created_by=user, kind__in=REMINDER_KINDS, status=FollowUpStatus.SENT, done_at__isnull=True)
        .select_related("case", "appointment")
        .order_by("due_at")
    )
