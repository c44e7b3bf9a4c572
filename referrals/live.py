"""Who is told when a referral changes: the referring case page and the service's portal pages.

Pushes are hints (pages reload the named panel over HTTP with their own
permissions), sent after the change commits so a page never reloads too early.
"""

from django.db import transaction

from response_platform.cases.panels import case_panel_changed
from response_platform.lib.watch import panel_changed


def service_group(service_id) -> str:
    """Every portal page of one support service (the inbox)."""
    return f"service.{service_id}"


def referral_group(referral_id) -> str:
    """Pages showing one referral (its portal detail page)."""
    return f"referral.{referral_id}"


def referral_changed(referral) -> None:
    case_id, service_id, referral_id = referral.case_id, referral.service_id, referral.pk

    def tell_pages():
        case_panel_changed(case_id, "referrals")
        panel_changed(service_group(service_id), "inbox")
        panel_changed(referral_group(referral_id), "referral")

    transaction.on_commit(tell_pages)
