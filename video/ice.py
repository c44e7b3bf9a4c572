"""ICE servers for one join: STUN, plus TURN with short-lived REST credentials.

coturn's REST API (use-auth-secret): username "expiry:user", password =
base64(HMAC-SHA1(secret, username)). Credentials expire, so a leaked page
does not leak a relay.
"""

import base64
import hashlib
import hmac
import time

from django.conf import settings


def ice_servers(identity: str, *, now: float | None = None) -> list[dict]:
    servers: list[dict] = []
    if settings.STUN_URLS:
        servers.append({"urls": list(settings.STUN_URLS)})
    if settings.TURN_URLS and settings.TURN_SECRET:
        expiry = int((now or time.time()) + settings.TURN_CREDENTIAL_TTL)
        username = f"{expiry}:{identity}"
        digest = hmac.new(settings.TURN_SECRET.encode(), username.encode(), hashlib.sha1).digest()
        servers.append(
            {"urls": list(settings.TURN_URLS), "username": username, "credential": base64.b64encode(digest).decode()}
        )
    return servers
