from django.db import models


class CaseStatistic(models.Model):
    """What is kept of a case erased by retention: counts and durations, nothing about the person.

    No case id, no incident reference, no dates finer than the month: the row cannot be
    joined back to anyone, so it can be kept for as long as the force reports on its work.
    """

    force = models.ForeignKey("accounts.Force", on_delete=models.PROTECT, related_name="+")
    created_month = models.DateField(help_text="The first day of the month the case was opened.")
    # The level of the newest risk assessment; blank when none was made.
    risk_level = models.CharField(max_length=16, blank=True)
    # {"idva": 1, "refuge": 2}: referrals made, by kind of service.
    referrals_by_kind = models.JSONField(default=dict)
    sessions = models.PositiveIntegerField(default=0)
    calls_connected = models.PositiveIntegerField(default=0)
    # The state the last video session ended in (ended, expired, cancelled); blank when none.
    session_outcome = models.CharField(max_length=16, blank=True)
    # From opening the case to the first video connecting; null when no call connected.
    seconds_to_first_call = models.PositiveIntegerField(null=True, blank=True)
    # Total time on video, from each call connecting to its session ending.
    call_seconds = models.PositiveIntegerField(default=0)
    follow_ups = models.PositiveIntegerField(default=0)
    erased_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_month"]
        indexes = [models.Index(fields=["force", "created_month"])]

    def __str__(self):
        return f"Case statistic {self.pk}"
