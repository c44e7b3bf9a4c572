"""Encryption at rest and keyed blind indexes for personal data.

Keys come from FIELD_ENCRYPTION_KEYS (MultiFernet: the first key encrypts, every
key decrypts, so keys can be rotated) and BLIND_INDEX_KEY. Neither is derived
from SECRET_KEY: rotating the session secret must not make case data unreadable.
"""

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@cache
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet_for(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    return fernet().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """Re-encrypt with the current first key."""
    return fernet().rotate(token.encode()).decode()


def blind_index(value: str) -> str:
    """A keyed hash for equality look-ups on an encrypted value."""
    return hmac.new(settings.BLIND_INDEX_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def sha256_hex(value: str | bytes) -> str:
    if isinstance(value, str):
        value = value.encode()
    return hashlib.sha256(value).hexdigest()
