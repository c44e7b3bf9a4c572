from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from evidence import selectors, services
from evidence.images import BadImage, uploaded_image
from evidence.present import state_for
from response_platform.accounts.permissions import can_take_snapshots, can_view_cases, can_view_evidence
from response_platform.audit.actions import AuditAction
from response_platform.audit.service import record
from video.selectors import get_session_for

NO_STORE = {"Cache-Control": "no-store"}


@require_GET
def state(request, session_id):
    """The session page's location and evidence panel, fetched when the record says something changed."""
    if not can_view_cases(request.user):
        raise PermissionDenied
    session = get_session_for(request.user, session_id)
    body = state_for(request.user, session)
    if body["location"] is not None:
        # DPA 2018 s.62: showing where the caller is, is a consultation.
        record(AuditAction.CONSULTATION, session, actor=request.user, detail="caller's location on the session page")
    return JsonResponse(body, headers=NO_STORE)


@require_POST
def take_snapshot(request, session_id):
    session = get_session_for(request.user, session_id)
    if not can_take_snapshots(request.user, session.case):
        raise PermissionDenied
    try:
        snapshot = services.take_snapshot(session, uploaded_image(request, "image"), by=request.user)
    except BadImage as exc:
        return JsonResponse({"error": exc.code, "message": str(exc)}, status=400, headers=NO_STORE)
    except services.NoConsent:
        message = "The caller has not allowed snapshots (or withdrew consent): nothing was stored."
        return JsonResponse({"error": "no_consent", "message": message}, status=409, headers=NO_STORE)
    except services.SessionClosed:
        return JsonResponse({"error": "closed", "message": "The session has ended."}, status=409, headers=NO_STORE)
    return JsonResponse({"id": snapshot.pk, "sha256": snapshot.sha256}, status=201, headers=NO_STORE)


@require_GET
def snapshot_image(request, snapshot_id):
    snapshot = selectors.get_snapshot_for(request.user, snapshot_id)
    if not can_view_evidence(request.user, snapshot.case):
        raise PermissionDenied
    record(AuditAction.CONSULTATION, snapshot, actor=request.user, detail=f"{snapshot.kind} opened")
    response = HttpResponse(snapshot.image, content_type=snapshot.content_type, headers=NO_STORE)
    extension = "png" if snapshot.content_type == "image/png" else "jpg"
    response["Content-Disposition"] = f'inline; filename="{snapshot.kind}-{snapshot.pk}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
