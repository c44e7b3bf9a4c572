"""The consent notice the caller reads. Its exact text is hashed into each ConsentRecord,
so anyone can later prove which words the person agreed to."""

from django.utils.translation import gettext as _

from response_platform.lib.crypto import sha256_hex

NOTICE_VERSION = "2026-11-v1"


def consent_notice() -> dict[str, str]:
    """The notice in the active language, one entry per part shown on screen."""
    return {
        "intro": _(
            "A specialist would like to talk to you on a video call. You can turn your camera "
            "off at any time and still talk, or use text chat instead."
        ),
        "video": _(
            "Video call: your camera and microphone are used only during this call. The call is "
            "not recorded. We keep a note that the call happened and what was agreed."
        ),
        "location": _(
            "Location (optional): if you agree, the specialist can see where you are so help can reach you faster."
        ),
    }


def notice_text() -> str:
    return "\n\n".join(consent_notice().values())


def notice_sha256() -> str:
    return sha256_hex(notice_text())
