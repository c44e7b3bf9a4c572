"""Signed webhooks to support services. The format is documented in docs/webhooks.md.

The body names the referral and links to the portal but carries no personal data:
the receiver fetches the details in the portal, behind its own login.
"""

import hashlib
import hmac
import json
import time

import requests
from django.conf import settings

from referrals.models import Delivery
from referrals.notify import DeliveryError, portal_url

USER_AGENT = "ResponsePlatform-Webhooks/1"
# Worth another try: the receiver is down, overloaded or asks us to slow down.
RETRY_STATUSES = {429}


def payload(delivery: Delivery) -> dict:
    referral = delivery.referral
    return {
        "id": str(delivery.pk),
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "referral": {
            "id": str(referral.pk),
            "status": referral.status,
            "created_at": referral.created_at.isoformat(),
            "sla_due_at": referral.sla_due_at.isoformat(),
            "acknowledged_at": referral.acknowledged_at.isoformat() if referral.acknowledged_at else None,
            "escalation_level": referral.escalation_level,
            "portal_url": portal_url(referral),
        },
        "service": {"id": referral.service_id, "name": referral.service.name},
    }


def body_for(delivery: Delivery) -> bytes:
    return json.dumps(payload(delivery), separators=(",", ":"), sort_keys=True).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 of "<timestamp>.<body>" with the service's secret, as "sha256=<hex>"."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def headers_for(delivery: Delivery, secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    # A fresh timestamp on every try, so a retry passes the receiver's freshness check;
    # the delivery id stays the same, so the receiver can tell it is a repeat.
    timestamp = str(int(now if now is not None else time.time()))
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Referral-Event": delivery.event,
        "X-Referral-Delivery": str(delivery.pk),
        "X-Referral-Timestamp": timestamp,
        "X-Referral-Signature": signature(secret, timestamp, body),
    }


def send(delivery: Delivery) -> int:
    """POST the notice once. Returns the 2xx status; raises DeliveryError otherwise."""
    secret = delivery.referral.service.webhook_secret
    if not secret:
        raise DeliveryError("No webhook secret is set for the service", permanent=True)
    body = body_for(delivery)
    try:
        response = requests.post(
            delivery.recipient,
            data=body,
            headers=headers_for(delivery, secret, body),
            timeout=settings.WEBHOOK_TIMEOUT,
            # A redirect could carry the notice somewhere the service never configured.
            allow_redirects=False,
            # The answer's body is never read: a receiver cannot make us download much.
            stream=True,
        )
    except requests.Timeout:
        raise DeliveryError("Timed out", permanent=False) from None
    except requests.ConnectionError:
        raise DeliveryError("Could not connect", permanent=False) from None
    except requests.RequestException as exc:
        # A malformed URL and the like: the same on every try.
        raise DeliveryError(f"Request refused ({type(exc).__name__})", permanent=True) from None
    status = response.status_code
    response.close()
    if 200 <= status < 300:
        return status
    transient = status >= 500 or status in RETRY_STATUSES
    raise DeliveryError(f"HTTP {status}", permanent=not transient, status_code=status)
