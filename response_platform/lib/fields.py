"""Model fields whose values are encrypted before they reach the database."""

import base64
import json
from typing import Any

from django.db import models

from response_platform.lib import crypto


class EncryptedTextField(models.TextField):
    """Stores Fernet ciphertext; Python code only ever sees the plaintext."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)


class EncryptedJSONField(EncryptedTextField):
    """A JSON document (answers, a referral's shared fields) stored as Fernet ciphertext."""

    # For django-stubs: the Python value is any JSON value, not a string.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def from_db_value(self, value, expression, connection):
        text = super().from_db_value(value, expression, connection)
        return json.loads(text) if text else None

    def to_python(self, value):
        if isinstance(value, str):
            return json.loads(value) if value else None
        return value

    def get_prep_value(self, value):
        # Not through TextField.get_prep_value: it calls to_python, which would parse the JSON back.
        if value is None:
            return None
        return crypto.encrypt(json.dumps(value, sort_keys=True, separators=(",", ":")))

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj))


class EncryptedBinaryField(EncryptedTextField):
    """Bytes (an evidence image) stored as Fernet ciphertext text.

    A text column like the other encrypted fields, so `manage.py rotate_keys` finds and
    re-encrypts it with them, and a database dump shows only the token, never the bytes."""

    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return None
        return crypto.fernet().decrypt(value.encode())

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        # Not through TextField.get_prep_value: it would turn the bytes into their repr.
        if value is None or value == b"":
            return None
        return crypto.fernet().encrypt(bytes(value)).decode()

    def value_to_string(self, obj):
        value: Any = self.value_from_object(obj)
        return base64.b64encode(value).decode() if value else ""
