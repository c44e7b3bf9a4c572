"""Re-encrypt every encrypted field with the first key in FIELD_ENCRYPTION_KEYS.

Rotation: put a new key first (keep the old ones after it), deploy, run this, then remove
the old keys. Every model field that is an EncryptedTextField (or EncryptedJSONField) is
found automatically. Rows are read in primary-key order in batches; each batch is its own
transaction. A value that the first key alone already decrypts is left as it is, so a run
that was stopped (or limited with --max-rows) simply continues when run again.
"""

from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.db.models.functions import Cast

from response_platform.lib import crypto
from response_platform.lib.fields import EncryptedTextField

BATCH_SIZE = 500


def encrypted_columns() -> list[tuple[type[models.Model], list[str]]]:
    """Every model with encrypted fields, and those fields' columns."""
    found = []
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found.append((model, fields))
    return found


@dataclass
class Progress:
    checked: int = 0
    rotated: int = 0


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="Rows per transaction.")
        parser.add_argument(
            "--max-rows",
            type=int,
            default=0,
            help="Stop after re-encrypting this many rows (0: no limit); run again to go on.",
        )

    def handle(self, *args, batch_size: int, max_rows: int, **options):
        current = Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode())
        budget = max_rows or None
        total = 0
        for model, columns in encrypted_columns():
            progress = self._rotate_model(model, columns, current, batch_size, budget)
            total += progress.rotated
            self.stdout.write(
                f"{model._meta.label}: {progress.rotated} rows re-encrypted, {progress.checked} rows checked"
            )
            if budget is not None:
                budget -= progress.rotated
                if budget <= 0:
                    self.stdout.write(f"Stopped after {total} rows (--max-rows); run again to continue.")
                    return
        self.stdout.write(f"Done: {total} rows re-encrypted; every value is now under the first key.")

    def _rotate_model(self, model, columns, current: Fernet, batch_size: int, budget: int | None) -> Progress:
        progress = Progress()
        raw = {f"raw_{c}": Cast(c, models.TextField()) for c in columns}
        rows = model._base_manager.annotate(**raw).order_by("pk")
        after = None
        while budget is None or progress.rotated < budget:
            page = rows.filter(pk__gt=after) if after is not None else rows
            batch = list(page.values("pk", *raw)[:batch_size])
            if not batch:
                break
            with transaction.atomic():
                for row in batch:
                    if budget is not None and progress.rotated >= budget:
                        break
                    progress.checked += 1
                    progress.rotated += self._rotate_row(model, row, columns, current)
                    after = row["pk"]
            self.stdout.write(f"{model._meta.label}: {progress.checked} checked, {progress.rotated} re-encrypted …")
        return progress

    def _rotate_row(self, model, row: dict, columns: list[str], current: Fernet) -> int:
        stale = {c: row[f"raw_{c}"] for c in columns if row[f"raw_{c}"] and not _under(current, row[f"raw_{c}"])}
        if not stale:
            return 0
        try:
            fresh = {c: _text(crypto.rotate(token)) for c, token in stale.items()}
        except InvalidToken:
            # Never guess: a value no key opens means a key is missing from FIELD_ENCRYPTION_KEYS.
            raise CommandError(
                f"{model._meta.label} {row['pk']}: a value no key in FIELD_ENCRYPTION_KEYS can decrypt. "
                "Put every old key back after the new one and run again."
            ) from None
        # Only if unchanged since read: a value the app rewrote meanwhile is already under the new key.
        unchanged = {f"raw_{c}": token for c, token in stale.items()}
        rows = model._base_manager.annotate(**{f"raw_{c}": Cast(c, models.TextField()) for c in stale})
        return rows.filter(pk=row["pk"], **unchanged).update(**fresh)


def _text(token: str) -> models.Value:
    """The ciphertext as it is, not passed through the field (which would encrypt it again)."""
    return models.Value(token, output_field=models.TextField())


def _under(key: Fernet, token: str) -> bool:
    try:
        key.decrypt(token.encode())
    except InvalidToken:
        return False
    return True
