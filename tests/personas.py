"""Named people for tests: who they are says what they may see.

Alice is a specialist in Force A, Bob her supervisor, Carol a call handler
there, and Olivia a specialist in Force B who must never see Force A's cases.
Sid works for Service A (an IDVA service covering Force A) and Sue for Service B
(a refuge covering Force A): each sees only their own service's referrals.
"""

from dataclasses import dataclass

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from referrals.models import ServiceKind, SupportService
from response_platform.accounts.models import Force, Role, User
from response_platform.cases.services import create_case
from video import services

PASSWORD = "correct-horse-battery-staple"
VICTIM_MOBILE = "+447700900123"


@dataclass
class Personas:
    force_a: Force
    force_b: Force
    alice: User
    bob: User
    carol: User
    sid: User
    olivia: User
    service_a: SupportService
    service_b: SupportService
    sue: User


def make_user(username: str, force: Force | None, role: str, service: SupportService | None = None) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, force=force, role=role, support_service=service
    )
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def make_personas() -> Personas:
    force_a = Force.objects.create(code="force-a", name="Force A")
    force_b = Force.objects.create(code="force-b", name="Force B")
    service_a = make_service("Service A", ServiceKind.IDVA, force_a)
    service_b = make_service("Service B", ServiceKind.REFUGE, force_a)
    return Personas(
        force_a=force_a,
        force_b=force_b,
        alice=make_user("alice", force_a, Role.SPECIALIST),
        bob=make_user("bob", force_a, Role.SUPERVISOR),
        carol=make_user("carol", force_a, Role.CALL_HANDLER),
        sid=make_user("sid", None, Role.SUPPORT_WORKER, service_a),
        olivia=make_user("olivia", force_b, Role.SPECIALIST),
        service_a=service_a,
        service_b=service_b,
        sue=make_user("sue", None, Role.SUPPORT_WORKER, service_b),
    )


def make_service(name: str, kind: str, *forces: Force, **fields) -> SupportService:
    slug = name.lower().replace(" ", "-")
    service = SupportService.objects.create(
        name=name, kind=kind, contact_email=f"{slug}@support.example.test", **fields
    )
    service.forces.set(forces)
    return service


def current_code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def verified_client(user: User) -> Client:
    """A client logged in with both factors, as the login page would leave it."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    return client


def open_case(by: User, *, phone: str = VICTIM_MOBILE, reference: str = "INC-0001"):
    return create_case(by=by, incident_reference=reference, victim_phone=phone, preferred_language="en-gb")


def session_with_link(by: User, **case_kwargs):
    """A case, a video session and a sent link. Returns (session, link, token)."""
    from django.test import TestCase

    from response_platform.sms.models import OutboxMessage

    case = open_case(by, **case_kwargs)
    session = services.start_session(case, by=by)
    # The SMS is queued after commit; run those callbacks as a real commit would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        link = services.send_join_link(session, by=by)
    body = OutboxMessage.objects.latest("created_at").body
    token = body.rsplit("/j/", 1)[1].split()[0]
    return session, link, token


def a_little_later(session) -> None:
    """Time passes since the last link was sent, so a resend is not taken for a double press."""
    from datetime import timedelta

    from django.utils import timezone

    from video.models import JoinLink

    earlier = timezone.now() - services.DOUBLE_PRESS - timedelta(seconds=1)
    JoinLink.objects.filter(session=session).update(created_at=earlier)


# The rest of the cast, for the access matrix: every role in Force A and in Force B.
# Force administrators are Django staff, as the demo makes them, so the admin site is theirs.
EVERY_ROLE = {
    "dave": ("force_a", Role.OFFICER),
    "erin": ("force_a", Role.FORCE_ADMIN),
    "pete": ("force_b", Role.SUPERVISOR),
    "quinn": ("force_b", Role.CALL_HANDLER),
    "rita": ("force_b", Role.OFFICER),
    "tom": ("force_b", Role.FORCE_ADMIN),
}


def make_every_role(people: Personas) -> dict[str, User]:
    """The existing staff and workers plus one user for each role they leave out, by name."""
    made = {name: getattr(people, name) for name in ("alice", "bob", "carol", "olivia", "sid", "sue")}
    for name, (force, role) in EVERY_ROLE.items():
        user = make_user(name, getattr(people, force), role)
        if role == Role.FORCE_ADMIN:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        made[name] = user
    return made
