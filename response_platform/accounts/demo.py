"""The demo force and one user per role, for `make run` and for trying the product by hand."""

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from response_platform.accounts.models import Force, Role, User

DEMO_FORCE_CODE = "demo"
DEMO_PASSWORD = "demo-password-123"  # noqa: S105  (public on purpose; seed_demo refuses without DEBUG)
DEMO_USERS = [
    ("specialist", "Sam", "Okafor", Role.SPECIALIST),
    ("supervisor", "Priya", "Marsh", Role.SUPERVISOR),
    ("callhandler", "Dan", "Whitlow", Role.CALL_HANDLER),
    ("officer", "Jo", "Brennan", Role.OFFICER),
    ("support", "Alex", "Rowe", Role.SUPPORT_WORKER),
    ("admin", "Morgan", "Hale", Role.FORCE_ADMIN),
]


@transaction.atomic
def seed() -> list[tuple[User, TOTPDevice]]:
    """Create what is missing and leave the rest alone, so running it twice changes nothing."""
    from referrals.demo import attach_demo_support_worker, seed_services
    from reviews.demo import seed_reviews

    force, _ = Force.objects.get_or_create(code=DEMO_FORCE_CODE, defaults={"name": "Demo Constabulary"})
    seed_services(force)
    seeded = []
    for username, first, last, role in DEMO_USERS:
        user = _demo_user(force, username, first, last, role)
        if user is None:
            continue
        if role == Role.SUPPORT_WORKER:
            # A support worker belongs to a service, not a force.
            attach_demo_support_worker(user)
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="demo", defaults={"confirmed": True})
        seeded.append((user, device))
    seed_reviews(force)
    return seeded


def _demo_user(force: Force, username: str, first: str, last: str, role: str) -> User | None:
    from referrals.demo import demo_worker_service

    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "role": role, "force": force},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.is_staff = role == Role.FORCE_ADMIN
        user.save()
    # A real account that happens to share a demo name keeps its own password and devices.
    ours = user.force_id == force.pk or (
        created is False and role == Role.SUPPORT_WORKER and user.support_service_id == demo_worker_service().pk
    )
    return user if ours else None
