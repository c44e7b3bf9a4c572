"""Random tokens that are shown once and stored only as a hash."""

import secrets

from response_platform.lib.crypto import sha256_hex


def new_token() -> tuple[str, str]:
    """Return (token, sha256 hex). 16 random bytes = 128 bits, 22 URL-safe characters."""
    token = secrets.token_urlsafe(16)
    return token, sha256_hex(token)
