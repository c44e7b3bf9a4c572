"""Location and evidence in a call, each by the caller's recorded consent.

Views (the caller's and the specialist's) call these. Every check of consent and the
store it allows happen under a lock on the session row, the same lock a withdrawal
takes: once the caller has withdrawn, nothing more is stored, however the requests race.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from evidence.images import checked_type
from evidence.models import LocationShare, Snapshot, SnapshotKind
from evidence.notices import NOTICE_VERSION, SCOPES, notice_sha256
from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record
from response_platform.lib.crypto import sha256_hex
from video.events import record_event
from video.models import ConsentDecision, ConsentRecord, ConsentScope, EventKind, VideoSession
from video.services import current_consent


class NoConsent(Exception):
    """The caller has not agreed (or has withdrawn): nothing is stored."""


class SessionClosed(Exception):
    """The call is over: nothing more is shared in it."""


class BadPosition(ValueError):
    """Coordinates no phone could report."""


@dataclass(frozen=True)
class Position:
    lat: float
    lon: float
    accuracy: float
    captured_at: datetime


def _locked(session: VideoSession) -> VideoSession:
    session = VideoSession.objects.select_for_update(of=("self",)).select_related("case").get(pk=session.pk)
    if session.is_closed:
        raise SessionClosed
    return session


def granted(session: VideoSession, scope: str) -> bool:
    return current_consent(session, scope) == ConsentDecision.GRANTED


@transaction.atomic
def set_consent(session: VideoSession, scope: str, *, grant: bool, language: str) -> bool:
    """The caller gives or withdraws consent for one scope. Returns False when nothing changed
    (agreeing twice, or withdrawing what was never given), so a double tap records once."""
    if scope not in SCOPES:
        raise ValueError(scope)
    session = _locked(session)
    if granted(session, scope) == grant:
        return False
    consent = ConsentRecord.objects.create(
        case=session.case,
        session=session,
        scope=scope,
        decision=ConsentDecision.GRANTED if grant else ConsentDecision.WITHDRAWN,
        notice_version=NOTICE_VERSION,
        notice_sha256=notice_sha256(scope),
        language=language,
    )
    record(AuditAction.COLLECTION, consent, detail=f"{scope} consent {consent.decision} on the caller's device")
    kind = EventKind.CONSENT_GRANTED if grant else EventKind.CONSENT_WITHDRAWN
    record_event(case=session.case, session=session, kind=kind, detail=str(scope))
    return True


def checked_position(lat: float, lon: float, accuracy: float) -> tuple[float, float, float]:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 0 <= accuracy <= 100_000):
        raise BadPosition
    return round(lat, 6), round(lon, 6), round(accuracy, 1)


@transaction.atomic
def share_location(session: VideoSession, position: Position) -> LocationShare:
    lat, lon, accuracy = checked_position(position.lat, position.lon, position.accuracy)
    session = _locked(session)
    if not granted(session, ConsentScope.LOCATION):
        raise NoConsent
    share = LocationShare.objects.create(
        session=session,
        case=session.case,
        position={"lat": lat, "lon": lon, "accuracy": accuracy},
        captured_at=position.captured_at,
    )
    record(AuditAction.COLLECTION, share, detail="location shared from the caller's device")
    # The record says that it was shared, never where: the detail is not encrypted.
    record_event(case=session.case, session=session, kind=EventKind.LOCATION_SHARED)
    return share


def take_snapshot(session: VideoSession, image: bytes, *, by) -> Snapshot:
    """A still of the caller's video, taken by the specialist."""
    return _store(session, image, kind=SnapshotKind.SNAPSHOT, by=by)


def receive_photo(session: VideoSession, image: bytes) -> Snapshot:
    """A photo the caller sent from their phone (when their video cannot flow, say)."""
    return _store(session, image, kind=SnapshotKind.PHOTO, by=None)


@transaction.atomic
def _store(session: VideoSession, image: bytes, *, kind: str, by) -> Snapshot:
    content_type = checked_type(image)
    session = _locked(session)
    if not granted(session, ConsentScope.SNAPSHOTS):
        raise NoConsent
    snapshot = Snapshot.objects.create(
        session=session,
        case=session.case,
        kind=kind,
        image=image,
        content_type=content_type,
        sha256=sha256_hex(image),
        size=len(image),
        taken_by=by,
    )
    source = "taken by the specialist" if by is not None else "sent from the caller's device"
    record(AuditAction.COLLECTION, snapshot, actor=by, detail=f"{snapshot.get_kind_display()} {source}")
    # The hash proves later that the picture is the one taken; it says nothing about the person.
    event_kind = EventKind.SNAPSHOT_TAKEN if kind == SnapshotKind.SNAPSHOT else EventKind.PHOTO_RECEIVED
    record_event(case=session.case, session=session, kind=event_kind, actor=by, detail=f"SHA-256 {snapshot.sha256}")
    return snapshot
