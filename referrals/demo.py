"""Fictional support services for the demo force, and the demo support worker's service."""

from django.db import transaction

from referrals.models import ServiceKind, SupportService

# name, kind, areas, acknowledgement SLA (hours). Invented organisations; example.test addresses.
DEMO_SERVICES = [
    ("Northshire IDVA Service", ServiceKind.IDVA, "Northshire: all districts", 24),
    ("Harbour Refuge", ServiceKind.REFUGE, "Northshire coast: Harbourside and Eastbridge", 12),
    ("Northshire MARAC", ServiceKind.MARAC, "Northshire: all districts", 48),
    ("Safe Voices Helpline", ServiceKind.HELPLINE, "National", 4),
    ("Rainbow Advocacy (LGBT+)", ServiceKind.LGBT, "Northshire and neighbouring forces", 48),
    ("Men's Advice Line North", ServiceKind.MALE_VICTIMS, "North of England", 24),
    ("Northshire Community Outreach", ServiceKind.OUTREACH, "Northshire: Fallowfield and Eastbridge", 72),
]
DEMO_WORKER_SERVICE = "Northshire IDVA Service"


@transaction.atomic
def seed_services(force) -> None:
    """Create the demo services covering `force`; running it again changes nothing."""
    for name, kind, areas, sla_hours in DEMO_SERVICES:
        slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
        service, _ = SupportService.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "areas": areas,
                "ack_sla_hours": sla_hours,
                "contact_email": f"{slug}@support.example.test",
            },
        )
        service.forces.add(force)


def demo_worker_service() -> SupportService:
    return SupportService.objects.get(name=DEMO_WORKER_SERVICE)


def attach_demo_support_worker(user) -> None:
    """Make `user` a worker of the demo IDVA service (a worker belongs to a service, not a force)."""
    user.support_service = demo_worker_service()
    user.force = None
    user.save(update_fields=["support_service", "force"])
