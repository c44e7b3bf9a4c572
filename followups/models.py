import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FollowUpKind(models.TextChoices):
    CHECK_IN_SMS = "check_in_sms", _("Check-in text to the caller")
    CALLBACK = "callback", _("Callback reminder")
    # The three rows a booked video call is made of.
    APPOINTMENT_LINK = "appointment_link", _("Video call link")
    APPOINTMENT_REMINDER = "appointment_reminder", _("Video call reminder")
    APPOINTMENT_CHECK = "appointment_check", _("Video call attendance check")


# What a specialist schedules by hand; the appointment kinds are made by booking a call.
SCHEDULABLE_KINDS = (FollowUpKind.CHECK_IN_SMS, FollowUpKind.CALLBACK)
# Shown to the specialist when due (the case panel and "My reminders").
REMINDER_KINDS = (FollowUpKind.CALLBACK, FollowUpKind.APPOINTMENT_REMINDER)
# Kinds that text the caller, so they need consent, a safe time and a number that did not opt out.
TEXT_KINDS = (FollowUpKind.CHECK_IN_SMS, FollowUpKind.APPOINTMENT_LINK)


class FollowUpStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Not sent")
    CANCELLED = "cancelled", _("Cancelled")
    FAILED = "failed", _("Failed")


class FollowUp(models.Model):
    """One promise to do something later, found by the minute dispatcher when due."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(max_length=24, choices=FollowUpKind.choices)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=FollowUpStatus.choices, default=FollowUpStatus.SCHEDULED)
    # Times the dispatcher claimed it (a row moved to the next safe time is claimed again).
    attempts = models.PositiveSmallIntegerField(default=0)
    # Why it was moved, skipped or failed, in words for the specialist; never personal data.
    outcome = models.CharField(max_length=200, blank=True)
    # The text that carried it, created in the same transaction that marked it sent.
    sms = models.OneToOneField(
        "sms.SmsMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_up"
    )
    appointment = models.ForeignKey(
        "followups.Appointment", null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )
    # The specialist who scheduled it, and whom a reminder is for.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # A reminder the specialist has dealt with.
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_reminder(self) -> bool:
        return self.kind in REMINDER_KINDS

    @property
    def is_movable(self) -> bool:
        """The specialist may move or cancel it (a booked call's steps go with the call)."""
        return self.status == FollowUpStatus.SCHEDULED and self.kind in SCHEDULABLE_KINDS


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    LINK_SENT = "link_sent", _("Link sent")
    JOINED = "joined", _("Took place")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_APPOINTMENT_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.LINK_SENT)


class Appointment(models.Model):
    """A video call at a time the caller chose; its link, reminder and check are FollowUp rows."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="appointments")
    starts_at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField(default=30)
    status = models.CharField(max_length=16, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED)
    # Made when the link is sent, not at booking: a session waiting days would be closed as abandoned.
    session = models.OneToOneField(
        "video.VideoSession", null=True, blank=True, on_delete=models.SET_NULL, related_name="appointment"
    )
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self):
        return f"Video call {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_APPOINTMENT_STATUSES
