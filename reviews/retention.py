"""Retention of incident logs and their reviews (class "incident reviews" in retention/classes.py).

An incident log holds the caller's risk answers and the call handler's notes; its review holds
feedback about the call handler. Both go together once the force's case-record period has
passed since the incident was handled, unless the linked case is on legal hold. Nothing of
them is kept: the per-team statistics only ever cover recent months.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from response_platform.accounts.models import Force
from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record
from response_platform.retention.classes import INCIDENT_REVIEWS, period_days
from response_platform.retention.services import BATCH_SIZE, overwriting_erased_bytes
from reviews.models import IncidentLog


def erase_incident_logs(force: Force, *, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Erase `force`'s incident logs past the period; returns how many. Safe to run twice or at once."""
    now = now or timezone.now()
    with overwriting_erased_bytes():
        return _erase(force, now, batch_size)


def _erase(force: Force, now: datetime, batch_size: int) -> int:
    days = period_days(force, INCIDENT_REVIEWS)
    past = (
        IncidentLog.objects.filter(force=force, handled_at__lt=now - timedelta(days=days))
        .filter(Q(case__isnull=True) | Q(case__legal_hold=False))
        .order_by("handled_at", "pk")
    )
    done = 0
    while True:
        with transaction.atomic():
            keys = list(
                past.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True)[:batch_size]
            )
            # The review goes with its incident (CASCADE), missed-opportunity ticks with the review.
            IncidentLog.objects.filter(pk__in=keys).delete()
            for pk in keys:
                record(
                    AuditAction.ERASURE,
                    object_type="reviews.incidentlog",
                    object_id=str(pk),
                    actor=None,
                    detail=f"retention: {INCIDENT_REVIEWS.name} past {days} days",
                )
        done += len(keys)
        if len(keys) < batch_size:
            return done
