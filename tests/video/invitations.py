"""Invited people for tests: an interpreter with a guest link, an officer of the force."""

from urllib.parse import urlsplit

from django.test import Client

from video import guests
from video.models import CallInvitation, InviteeKind

INTERPRETER_MOBILE = "+447700900555"


def invite_interpreter(session, by, *, email: str = "") -> tuple[CallInvitation, str]:
    """An interpreter invited by text (or by email). Returns (invitation, the link's path)."""
    phone = "" if email else INTERPRETER_MOBILE
    invitation = guests.invite_guest(session, kind=InviteeKind.INTERPRETER, by=by, phone=phone, email=email)
    return invitation, urlsplit(invitation.link).path


def guest_device(path: str) -> str:
    """The guest-cookie value of the device that opened the link at `path`."""
    response = Client().get(path)
    assert response.status_code == 302, "the guest link should have been redeemed"
    return response.cookies[guests.GUEST_COOKIE].value


def invited_guest(session, by) -> tuple[CallInvitation, str, str]:
    """An interpreter who opened their link: (invitation, link path, guest-cookie value)."""
    invitation, path = invite_interpreter(session, by)
    return invitation, path, guest_device(path)
