"""Numbers that replied STOP: no further text goes to them.

Every sender asks `is_opted_out` (queue_sms and deliver already do), so a victim who
said STOP is never texted again by anything here, whichever force or feature sends.
"""

import phonenumbers
from django.db import transaction
from django.utils import timezone

from response_platform.lib.crypto import blind_index
from response_platform.sms.models import OptOut, OptOutSource

REASON = "The number replied STOP: no texts can be sent to it."


def phone_index(phone: str) -> str | None:
    """The blind index of a number however it is written, or None if it is no number.

    The same E.164 form `create_case` indexes, so "07700 900123" and "+447700900123"
    find each other. No mobile check: a number Twilio hands us is the number it is.
    """
    try:
        number = phonenumbers.parse(phone, "GB")
    except phonenumbers.NumberParseException:
        return None
    return blind_index(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def is_opted_out(phone: str) -> bool:
    index = phone_index(phone)
    return index is not None and is_index_opted_out(index)


def is_index_opted_out(index: str) -> bool:
    return OptOut.objects.filter(phone_index=index, opted_in_at__isnull=True).exists()


def opt_out(phone: str, source: str = OptOutSource.KEYWORD) -> bool:
    """Stop all texts to `phone`. Returns whether it was not already opted out."""
    index = phone_index(phone)
    if index is None:
        return False
    with transaction.atomic():
        row, created = OptOut.objects.select_for_update().get_or_create(
            phone_index=index, defaults={"source": source, "opted_out_at": timezone.now()}
        )
        if not created and row.opted_in_at is None:
            return False
        if not created:
            row.source, row.opted_out_at, row.opted_in_at = source, timezone.now(), None
            row.save(update_fields=["source", "opted_out_at", "opted_in_at"])
        _tell_case_pages(index)
    return True


def opt_in(phone: str) -> bool:
    """The person replied START: texts may go again. Returns whether anything changed."""
    index = phone_index(phone)
    if index is None:
        return False
    with transaction.atomic():
        changed = OptOut.objects.filter(phone_index=index, opted_in_at__isnull=True).update(opted_in_at=timezone.now())
        if changed:
            _tell_case_pages(index)
    return bool(changed)


def opt_out_for(phone: str) -> OptOut | None:
    """The active opt-out of a number, for a page to say when and why."""
    index = phone_index(phone)
    if index is None:
        return None
    return OptOut.objects.filter(phone_index=index, opted_in_at__isnull=True).first()


def _tell_case_pages(index: str) -> None:
    """Every open page of a case with this number shows the change, in every force holding it:
    their texts stop too, so each specialist must know why."""
    from response_platform.cases.models import Case
    from response_platform.cases.panels import case_panel_changed

    case_ids = list(Case.objects.filter(victim_phone_index=index).values_list("pk", flat=True))

    def tell_pages():
        for case_id in case_ids:
            case_panel_changed(case_id, "replies")

    transaction.on_commit(tell_pages)
