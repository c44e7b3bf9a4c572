"""GSM-7 text length: a text fits one SMS segment at 160 GSM-7 septets.

One character outside GSM-7 (a curly quote, an emoji) switches the whole
message to UCS-2 and one segment shrinks to 70 characters, so wording is
checked against the alphabet, not just counted.
"""

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = set("^{}\\[~]|€")  # each costs two septets (escape + char)
SINGLE_SEGMENT_SEPTETS = 160


def gsm7_septets(text: str) -> int | None:
    """Septets needed in GSM-7, or None if the text is not GSM-7."""
    total = 0
    for char in text:
        if char in GSM7_BASIC:
            total += 1
        elif char in GSM7_EXTENSION:
            total += 2
        else:
            return None
    return total


def fits_one_segment(text: str) -> bool:
    septets = gsm7_septets(text)
    return septets is not None and septets <= SINGLE_SEGMENT_SEPTETS
