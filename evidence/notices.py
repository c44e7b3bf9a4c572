"""What the caller reads before sharing their location or allowing pictures during a call.

The exact text shown, in the language shown, is hashed into the ConsentRecord (as the video
notice is), so anyone can later prove which words the person agreed to.
"""

from django.utils.translation import gettext as _

from response_platform.lib.crypto import sha256_hex
from video.models import ConsentScope

NOTICE_VERSION = "2026-11-e1"
SCOPES = (ConsentScope.LOCATION, ConsentScope.SNAPSHOTS)


def notice(scope: str) -> str:
    """The notice for one scope in the active language."""
    if scope == ConsentScope.LOCATION:
        return _(
            "Share your location: the specialist sees where your phone is and how accurate that is, "
            "so help can reach you faster. It is shared only while you allow it. You can stop at any time."
        )
    return _(
        "Pictures for evidence: the specialist may take still pictures of your video, and you can send a "
        "photo. They are stored securely and only the staff working on your case can see them. You can "
        "stop this at any time; pictures already taken are kept as evidence."
    )


def notice_sha256(scope: str) -> str:
    return sha256_hex(notice(scope))
