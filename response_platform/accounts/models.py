from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# {minutes} is the force's link lifetime, {link} the join link.
DEFAULT_SMS_TEMPLATE = "Here is the link we talked about. It works for {minutes} minutes: {link}"
DEFAULT_SAFE_EXIT_URL = "https://www.bbc.co.uk/weather"


class Force(models.Model):
    """A police force: the tenant. Staff and cases belong to exactly one."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    # Discreet by default: no police branding and no victim name (the phone may
    # be seen by the abuser). {link} is replaced by the join link.
    sms_template = models.CharField(max_length=160, default=DEFAULT_SMS_TEMPLATE)
    safe_exit_url = models.URLField(default=DEFAULT_SAFE_EXIT_URL)
    join_link_minutes = models.PositiveIntegerField(default=30)
    timezone = models.CharField(max_length=64, default="Europe/London")
    # Retention periods in days: the nightly task erases what is past them unless the case is
    # on legal hold. response_platform/retention/classes.py says what each class holds.
    retain_chat_days = models.PositiveIntegerField(
        default=90, help_text="Chat, shared locations and snapshots: days after they were sent."
    )
    retain_contact_days = models.PositiveIntegerField(
        default=365,
        help_text="The caller's number, safe contact times and notes, texts and replies: "
        "days after the case's last activity.",
    )
    retain_case_days = models.PositiveIntegerField(
        default=2190,
        help_text="The whole case record, days after its last activity (6 years by default); "
        "statistics without personal data are kept.",
    )

    def __str__(self):
        return self.name

    def clean(self):
        from video.sms_wording import validate_template

        try:
            validate_template(self.sms_template, self.join_link_minutes)
        except ValidationError as exc:
            raise ValidationError({"sms_template": exc.messages}) from None


class Role(models.TextChoices):
    CALL_HANDLER = "call_handler", _("Call handler")
    SPECIALIST = "specialist", _("Domestic abuse specialist")
    SUPERVISOR = "supervisor", _("Supervisor")
    OFFICER = "officer", _("Officer")
    SUPPORT_WORKER = "support_worker", _("Support worker")
    FORCE_ADMIN = "force_admin", _("Force administrator")


class User(AbstractUser):
    force = models.ForeignKey(Force, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.CALL_HANDLER)
    # Support workers belong to a service, not a force, and see only its referrals.
    support_service = models.ForeignKey(
        "referrals.SupportService", null=True, blank=True, on_delete=models.PROTECT, related_name="workers"
    )

    def __str__(self):
        return self.get_full_name() or self.username
