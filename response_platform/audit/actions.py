"""What the audit trail records (DPA 2018 Part 3, s.62: the logging of processing)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    COLLECTION = "collection", _("Collection")
    ALTERATION = "alteration", _("Alteration")
    CONSULTATION = "consultation", _("Consultation")
    DISCLOSURE = "disclosure", _("Disclosure")
    COMBINATION = "combination", _("Combination")
    ERASURE = "erasure", _("Erasure")
