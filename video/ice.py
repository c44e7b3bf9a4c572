"""ICE servers for one join: STUN, plus TURN with short-lived REST credentials.

coturn's REST API (use-auth-secret): username "expiry:identity", credential
base64(HMAC-SHA1(secret, username)). Credentials expire, so a leaked page
does not leak a relay. Without TURN_SECRET the TURN hosts are still offered
for STUN, which coturn answers without credentials.
"""

import base64
import hashlib
import hmac
import time

from django.conf import settings


def _credential(secret: str, username: str) -> str:
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _stun_urls(turn_urls: list[str]) -> list[str]:
    """The STUN address of each plain TURN listener (browsers do not speak STUN over TLS)."""
    urls = []
    for url in turn_urls:
        if url.startswith("turn:"):
            stun = "stun:" + url.removeprefix("turn:").split("?", 1)[0]
            if stun not in urls:
                urls.append(stun)
    return urls


def ice_servers(identity: str, *, now: float | None = None) -> list[dict]:
    servers: list[dict] = []
    stun = _stun_urls(settings.TURN_URLS)
    if stun:
        servers.append({"urls": stun})
    if settings.TURN_URLS and settings.TURN_SECRET:
        expiry = int((time.time() if now is None else now) + settings.TURN_CREDENTIAL_TTL)
        username = f"{expiry}:{identity}"
        servers.append(
            {
                "urls": list(settings.TURN_URLS),
                "username": username,
                "credential": _credential(settings.TURN_SECRET, username),
            }
        )
    return servers
