"""Reads that need care: which pictures and which location a member of staff may see."""

from django.shortcuts import get_object_or_404

from evidence.models import LocationShare, Snapshot
from response_platform.accounts.permissions import can_view_cases
from video.models import VideoSession


def latest_location(session: VideoSession) -> LocationShare | None:
    return session.locations.order_by("-created_at", "-pk").first()


def snapshots_of(session: VideoSession):
    """The list on the session page: hashes and times, never the image column."""
    return session.snapshots.defer("image").select_related("taken_by").order_by("created_at", "pk")


def get_snapshot_for(user, snapshot_id: int) -> Snapshot:
    """Another force's picture looks like no picture at all: a 404."""
    snapshots = Snapshot.objects.select_related("case", "session")
    if not can_view_cases(user):
        snapshots = snapshots.none()
    return get_object_or_404(snapshots, pk=snapshot_id, case__force_id=user.force_id)
