import logging
from functools import wraps

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from response_platform.sms import services
from response_platform.sms.backends.twilio import explain
from response_platform.sms.models import STATUS_RANK, OutboxMessage

log = logging.getLogger(__name__)


def twilio_signature_is_valid(request) -> bool:
    """Check X-Twilio-Signature against the public URL Twilio called.

    Behind the TLS proxy the request's own URL is not what Twilio signed, so
    the URL is built from PUBLIC_BASE_URL.
    """
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not settings.TWILIO_AUTH_TOKEN:
        return False
    url = settings.PUBLIC_BASE_URL + request.get_full_path()
    # The QueryDict itself, not .dict(): Twilio signs every value of a repeated field.
    return RequestValidator(settings.TWILIO_AUTH_TOKEN).validate(url, request.POST, signature)


def twilio_webhook(view):
    """A view Twilio posts to: no CSRF token (Twilio has none), POST only, and refused
    with 403 unless Twilio's signature over the public URL checks out."""

    @csrf_exempt
    @require_POST
    @wraps(view)
    def checked(request, *args, **kwargs):
        if not twilio_signature_is_valid(request):
            return HttpResponseForbidden("Invalid signature.")
        return view(request, *args, **kwargs)

    return checked


@twilio_webhook
def status_webhook(request):
    sid = request.POST.get("MessageSid", "")
    status = request.POST.get("MessageStatus", "")
    code = request.POST.get("ErrorCode", "")
    changed = services.apply_provider_status(sid, status, code, explain(code) if code else "")
    # The posted status is the caller's text: only a known one goes in the log (no forged lines, no junk).
    log.info("sms status callback: status=%s changed=%s", status if status in STATUS_RANK else "unknown", changed)
    # Twilio only needs to know we have it; an unknown or stale report is not an error.
    return HttpResponse(status=204)


def outbox(request):
    if not settings.DEBUG:
        raise Http404
    outbox_rows = OutboxMessage.objects.all()[:50]
    return render(request, "sms/outbox.html", {"outbox": outbox_rows, "title": "Dev SMS outbox"})
