"""Notice emails. They carry no personal data: no name, number, incident reference or
risk answer, only a link to a page behind a two-factor login (the portal or the app)."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from referrals.escalation import sla_of
from referrals.models import Delivery
from referrals.notify import SUPERVISOR_EVENT, DeliveryError, portal_url


def recipients(delivery: Delivery) -> list[str]:
    return [address.strip() for address in delivery.recipient.split(",") if address.strip()]


def render(delivery: Delivery) -> tuple[str, str]:
    """(subject, body) for the notice."""
    referral = delivery.referral
    if delivery.event == SUPERVISOR_EVENT:
        name = "escalation"
        context = {
            "link": settings.PUBLIC_BASE_URL + reverse("referrals:escalations"),
            "service": referral.service.name,
            "level": referral.escalation_level,
            "sla_hours": round(sla_of(referral).total_seconds() / 3600),
        }
    else:
        name = "service_notice"
        context = {"event": delivery.event, "link": portal_url(referral)}
    subject = render_to_string(f"referrals/email/{name}_subject.txt", context)
    body = render_to_string(f"referrals/email/{name}_body.txt", context)
    return " ".join(subject.split()), body


def send(delivery: Delivery) -> None:
    subject, body = render(delivery)
    message = EmailMessage(subject, body, to=recipients(delivery))
    # Addresses and server replies stay out of the reason: it is shown to staff and logged.
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused:
        raise DeliveryError("The mail server refused the address", permanent=True) from None
    except smtplib.SMTPResponseException as exc:
        # 5xx is a refusal that will not change; 4xx asks us to try later.
        raise DeliveryError(f"SMTP {exc.smtp_code}", permanent=exc.smtp_code >= 500) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"Mail server unavailable ({type(exc).__name__})", permanent=False) from None
