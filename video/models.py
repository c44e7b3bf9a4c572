import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from response_platform.lib.append_only import AppendOnlyModel
from response_platform.lib.fields import EncryptedTextField


class SessionState(models.TextChoices):
    CREATED = "created", _("Created")
    LINK_SENT = "link_sent", _("Link sent")
    VICTIM_WAITING = "victim_waiting", _("Caller waiting")
    IN_CALL = "in_call", _("In call")
    ENDED = "ended", _("Ended")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


CLOSED_STATES = {SessionState.ENDED, SessionState.EXPIRED, SessionState.CANCELLED}


class VideoSession(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="sessions")
    state = models.CharField(max_length=16, choices=SessionState.choices, default=SessionState.CREATED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # A booked video call: the slot the caller chose (null for a call made on the spot).
    scheduled_for = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Session {self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.state in CLOSED_STATES


class JoinLink(models.Model):
    session = models.ForeignKey(VideoSession, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    # A booked call's link opens shortly before its slot; null: valid from the moment it is sent.
    valid_from = models.DateTimeField(null=True, blank=True)
    redeemed_at = models.DateTimeField(null=True, blank=True)
    # SHA-256 of the secret in the HttpOnly cookie of the device that redeemed it.
    device_hash = models.CharField(max_length=64, blank=True, db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    sms = models.OneToOneField("sms.SmsMessage", null=True, on_delete=models.SET_NULL, related_name="join_link")
    created_at = models.DateTimeField(auto_now_add=True)


class ConsentScope(models.TextChoices):
    VIDEO = "video", _("Video call")
    LOCATION = "location", _("Share location")
    # Evidence snapshots of the caller's video, and still photos the caller sends.
    SNAPSHOTS = "snapshots", _("Evidence snapshots and photos")
    # Per support service: `subject` names the service.
    REFERRAL_SHARING = "referral_sharing", _("Share details with a support service")
    FOLLOW_UP_CONTACT = "follow_up_contact", _("Follow-up contact by text")


class ConsentMethod(models.TextChoices):
    ON_DEVICE = "on_device", _("On the caller's device")
    VERBAL = "verbal", _("Verbally, recorded by the specialist")


class ConsentDecision(models.TextChoices):
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConsentRecord(AppendOnlyModel):
    """Append-only: a change of mind is a new record, never an edit."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="consents")
    # Null for consent given outside a call (verbally, on the phone).
    session = models.ForeignKey(VideoSession, null=True, blank=True, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(max_length=32, choices=ConsentScope.choices)
    # What the consent is about within its scope, e.g. "service:12" for referral sharing.
    subject = models.CharField(max_length=64, blank=True)
    decision = models.CharField(max_length=16, choices=ConsentDecision.choices)
    method = models.CharField(max_length=16, choices=ConsentMethod.choices, default=ConsentMethod.ON_DEVICE)
    # The specialist who heard and recorded a verbal consent.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notice_version = models.CharField(max_length=16)
    notice_sha256 = models.CharField(max_length=64)
    language = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)


class ParticipantRole(models.TextChoices):
    VICTIM = "victim", _("Caller")
    STAFF = "staff", _("Specialist")
    # An interpreter or advocate invited by a single-use link: no account, sees the call only.
    GUEST = "guest", _("Guest")


class Participant(models.Model):
    """One socket connection in a session: presence lives here, not in memory."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(VideoSession, on_delete=models.CASCADE, related_name="participants")
    role = models.CharField(max_length=16, choices=ParticipantRole.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    channel_name = models.CharField(max_length=200)
    in_call = models.BooleanField(default=False)
    connected_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)
    # Renewed by the open socket; a row that stops being renewed belonged to a
    # server process that died without saying goodbye.
    last_seen = models.DateTimeField(default=timezone.now)
    # Listening in: receives the call, sends nothing, until they step in.
    observing = models.BooleanField(default=False)
    # How an invited officer or guest got in, so removing the invitation closes this socket.
    invitation = models.ForeignKey(
        "CallInvitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="participants"
    )

    @property
    def label(self) -> str:
        return str(self.get_role_display())


class InviteeKind(models.TextChoices):
    OFFICER = "officer", _("Officer")
    INTERPRETER = "interpreter", _("Interpreter")
    ADVOCATE = "advocate", _("Advocate")


class CallInvitation(models.Model):
    """Someone asked into one call: an officer of the force (their own sign-in), or a guest
    (interpreter, advocate) with a single-use link bound to the device that opens it.

    Holds no contact details: a guest's number lives only on the SmsMessage that carried the
    link, and an email address is never stored."""

    session = models.ForeignKey(VideoSession, on_delete=models.CASCADE, related_name="invitations")
    kind = models.CharField(max_length=16, choices=InviteeKind.choices)
    # The officer invited (null for a guest).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Guests only: SHA-256 of the link's token, and of the secret in the cookie of the device that opened it.
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    device_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # "sms" or "email" for a guest's link; blank for an officer.
    sent_by = models.CharField(max_length=8, blank=True)
    sms = models.OneToOneField(
        "sms.SmsMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="call_invitation"
    )
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    redeemed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    @property
    def is_guest(self) -> bool:
        return self.user_id is None


class EventKind(models.TextChoices):
    CASE_CREATED = "case_created", _("Case created")
    SMS_QUEUED = "sms_queued", _("Text message queued")
    SMS_SENT = "sms_sent", _("Text message sent")
    SMS_DELIVERED = "sms_delivered", _("Text message delivered")
    SMS_FAILED = "sms_failed", _("Text message failed")
    LINK_REVOKED = "link_revoked", _("Link revoked")
    LINK_OPENED = "link_opened", _("Link opened")
    CONSENT_GRANTED = "consent_granted", _("Consent given")
    CONSENT_REFUSED = "consent_refused", _("Consent refused")
    JOINED = "joined", _("Joined")
    MEDIA_CONNECTED = "media_connected", _("Video connected")
    LEFT = "left", _("Left")
    ENDED = "ended", _("Session ended")
    EXPIRED = "expired", _("Session expired")
    # The control room: listening in, inviting others.
    OBSERVER_JOINED = "observer_joined", _("Colleague listening in")
    STEPPED_IN = "stepped_in", _("Colleague joined the call")
    INVITED = "invited", _("Invited to the call")
    GUEST_JOINED = "guest_joined", _("Guest joined")
    GUEST_REMOVED = "guest_removed", _("Guest removed")
    # Location and evidence, each by the caller's consent.
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    LOCATION_SHARED = "location_shared", _("Location shared")
    SNAPSHOT_TAKEN = "snapshot_taken", _("Evidence snapshot taken")
    PHOTO_RECEIVED = "photo_received", _("Photo received from the caller")
    # Poor connections: what the call stepped down (or back up) to.
    MEDIA_MODE = "media_mode", _("Call mode changed")
    RECONNECTED = "reconnected", _("Reconnected")
    # Wrap-up after the call.
    OUTCOME_RECORDED = "outcome_recorded", _("Outcome recorded")


class SessionEvent(AppendOnlyModel):
    """Append-only timeline. Details hold labels and codes, never personal data."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="events")
    session = models.ForeignKey(VideoSession, null=True, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at", "pk"]


class ChatMessage(models.Model):
    session = models.ForeignKey(VideoSession, on_delete=models.CASCADE, related_name="chat_messages")
    sender = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "pk"]
