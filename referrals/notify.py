"""Telling a support service about a referral: an email with no personal data, and a signed webhook."""


def notify_service(referral, event: str) -> None:
    """Queue the notices for `event` (e.g. "referral.sent") to the referral's service, sent after commit."""
