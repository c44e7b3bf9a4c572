from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from response_platform.lib.fields import EncryptedTextField

BATCH = 500


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with the first key in FIELD_ENCRYPTION_KEYS. "
        "Run after putting a new key first; once it finishes, the old key can be removed."
    )

    def handle(self, *args, **options):
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if fields:
                count = rotate_model(model, [f.attname for f in fields])
                self.stdout.write(f"{model._meta.label}: {count} rows re-encrypted")


def rotate_model(model, columns: list[str]) -> int:
    """Rewrite the stored ciphertext column by column, bypassing save() so nothing else changes."""
    done = 0
    pks = list(model._base_manager.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        with transaction.atomic():
            rows = model._base_manager.filter(pk__in=pks[start : start + BATCH]).select_for_update()
            for row in rows.values("pk", *columns):
                # The field decrypted on the way out (any key) and encrypts on the way in (first key).
                updates = {c: row[c] for c in columns if row[c]}
                if updates:
                    model._base_manager.filter(pk=row["pk"]).update(**updates)
                    done += 1
    return done
