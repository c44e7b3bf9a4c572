from django.db import models
from django.utils.translation import gettext_lazy as _

from response_platform.lib.fields import EncryptedTextField


class ServiceKind(models.TextChoices):
    IDVA = "idva", _("IDVA service")
    REFUGE = "refuge", _("Refuge")
    HELPLINE = "helpline", _("Helpline")
    MARAC = "marac", _("MARAC coordinator")
    CHILDREN = "children", _("Children's services")
    MALE_VICTIMS = "male_victims", _("Male victims")
    LGBT = "lgbt", _("LGBT+")
    HONOUR_BASED = "honour_based", _("Honour-based abuse")
    SEXUAL_VIOLENCE = "sexual_violence", _("Sexual violence (ISVA)")
    OUTREACH = "outreach", _("Community outreach")
    OLDER_PEOPLE = "older_people", _("Older people")
    DISABLED = "disabled", _("Disabled victims")
    OTHER = "other", _("Other")


class SupportService(models.Model):
    """An organisation that receives referrals, in its own portal and by email or webhook."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=ServiceKind.choices)
    forces = models.ManyToManyField("accounts.Force", related_name="support_services")
    # Free text within those forces, e.g. "Northshire: Eastbridge and Fallowfield districts".
    areas = models.CharField(max_length=300, blank=True)
    contact_email = models.EmailField()
    webhook_url = models.URLField(blank=True)
    webhook_secret = EncryptedTextField(blank=True)
    # Hours within which a referral must be acknowledged before supervisors are told.
    ack_sla_hours = models.PositiveSmallIntegerField(default=24)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
