"""What the specialist's page is told about a session's location and pictures."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from evidence.models import LocationShare
from evidence.selectors import latest_location, snapshots_of
from response_platform.accounts.permissions import can_see_location, can_take_snapshots, can_view_evidence
from video.models import ConsentDecision, ConsentScope, VideoSession
from video.services import current_consent


def map_url(lat: float, lon: float) -> str:
    return f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}#map=17/{lat:.6f}/{lon:.6f}"


def location_of(share: LocationShare) -> dict:
    return {
        "lat": share.latitude,
        "lon": share.longitude,
        "accuracy": share.accuracy,
        "captured_at": share.captured_at.isoformat(),
        "time": date_format(localtime(share.captured_at), "H:i:s"),
        "map_url": map_url(share.latitude, share.longitude),
    }


def snapshot_rows(session: VideoSession) -> list[dict]:
    return [
        {
            "id": s.pk,
            "kind": s.kind,
            "label": str(s.get_kind_display()),
            "sha256": s.sha256,
            "time": date_format(localtime(s.created_at), "H:i:s"),
            "url": reverse("evidence:snapshot", kwargs={"snapshot_id": s.pk}),
        }
        for s in snapshots_of(session)
    ]


def state_for(user, session: VideoSession) -> dict:
    """Consent for each scope, the live location (only while consent lasts), and the pictures
    this user may open. `location` is personal data: the view audits when it is present."""
    case = session.case
    location_consent = current_consent(session, ConsentScope.LOCATION)
    snapshot_consent = current_consent(session, ConsentScope.SNAPSHOTS)
    share = None
    if location_consent == ConsentDecision.GRANTED and can_see_location(user, case) and not session.is_closed:
        share = latest_location(session)
    return {
        "location_consent": location_consent,
        "snapshot_consent": snapshot_consent,
        "location": location_of(share) if share is not None else None,
        "can_take_snapshot": snapshot_consent == ConsentDecision.GRANTED
        and can_take_snapshots(user, case)
        and not session.is_closed,
        "snapshots": snapshot_rows(session) if can_view_evidence(user, case) else [],
    }
