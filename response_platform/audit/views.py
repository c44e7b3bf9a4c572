from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from response_platform.accounts.fresh_otp import require_fresh_second_factor
from response_platform.audit.actions import AuditAction
from response_platform.audit.export import csv_rows
from response_platform.audit.selectors import AuditFilterForm, can_view_audit, entries_for
from response_platform.audit.service import record

PAGE_SIZE = 50


@require_GET
def audit_log(request):
    if not can_view_audit(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    page_number = request.GET.get("page", "1")
    # Reading the trail is itself a consultation: who looked at what is part of the record.
    # Recorded first, so the page counts and shows its own entry.
    record(
        AuditAction.CONSULTATION,
        actor=request.user,
        object_type="audit.log",
        detail=f"page {page_number if page_number.isdigit() else 1}; {form.summary()}"[:255],
    )
    page = Paginator(entries_for(request.user, _bound(form)), PAGE_SIZE).get_page(page_number)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "title": "Audit trail"}
    response = render(request, "audit/log.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def audit_export(request):
    # The role first: someone who may not export is refused, not asked for a code.
    if not can_view_audit(request.user):
        raise PermissionDenied
    return _export(request)


@require_fresh_second_factor
def _export(request):
    form = AuditFilterForm(request.GET or None)
    entries = entries_for(request.user, _bound(form))
    # The export leaves the system with the person downloading it: a disclosure to them.
    record(
        AuditAction.DISCLOSURE,
        actor=request.user,
        object_type="audit.log",
        recipient=request.user.get_username(),
        detail=f"CSV export; {form.summary()}"[:255],
    )
    filename = f"audit-{request.user.force.code}-{timezone.localdate():%Y%m%d}.csv"
    return StreamingHttpResponse(
        csv_rows(entries.iterator(chunk_size=2000)),
        content_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


def _bound(form: AuditFilterForm) -> AuditFilterForm:
    """No filters at all means everything, not an invalid (unbound) form."""
    return form if form.is_bound else AuditFilterForm({})
