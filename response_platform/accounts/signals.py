"""Sign-in bookkeeping, and ending every sign-in of a user who was disabled or moved.

Disabling someone in the admin must take effect now, not when their session
expires: their pages go to the sign-in page and their open sockets (a call in
progress, a case page) are closed.
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from response_platform.accounts import fresh_otp, session_lifetime
from response_platform.accounts.models import User
from response_platform.accounts.sockets import user_group

# A change to any of these ends the user's sign-ins: what they may see has changed.
_STANDING_FIELDS = ("is_active", "force_id", "role", "support_service_id")
_STANDING_NAMES = {"is_active", "force", "force_id", "role", "support_service", "support_service_id"}


@receiver(user_logged_in)
def _start_the_clocks(sender, request, user, **kwargs) -> None:
    session_lifetime.mark_signed_in(request.session)
    # Every way in asks for the code (the sign-in page; the admin's own password-only
    # page is sent there instead), so a sign-in is a fresh second factor.
    fresh_otp.mark_fresh(request.session)


@receiver(pre_save, sender=User)
def _remember_standing(sender, instance: User, update_fields=None, **kwargs) -> None:
    # A save of other fields only (last_login at every sign-in) costs no extra query.
    if instance.pk is None or (update_fields is not None and not _STANDING_NAMES & set(update_fields)):
        instance._standing_before = None
        return
    instance._standing_before = User.objects.filter(pk=instance.pk).values_list(*_STANDING_FIELDS).first()


@receiver(post_save, sender=User)
def _end_sign_ins_when_standing_changed(sender, instance: User, created: bool, **kwargs) -> None:
    before = getattr(instance, "_standing_before", None)
    if created or before is None:
        return
    if before == tuple(getattr(instance, field) for field in _STANDING_FIELDS):
        return
    end_sign_ins(instance)


def end_sign_ins(user: User) -> int:
    """Delete the user's sessions now and close their sockets after commit. Returns how many sessions ended."""
    ended = [key for key, user_id in _live_sessions() if user_id == str(user.pk)]
    Session.objects.filter(session_key__in=ended).delete()
    user_id = user.pk
    transaction.on_commit(lambda: _close_sockets(user_id))
    return len(ended)


def _live_sessions():
    # Sessions are keyed by a random key, not by user: every live one is read.
    # Rare (an administrator disabling someone), and bounded by the sign-in lifetime.
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        yield session.session_key, session.get_decoded().get(SESSION_KEY)


def _close_sockets(user_id) -> None:
    from video.live import push

    push(user_group(user_id), {"type": "user.disabled"})
