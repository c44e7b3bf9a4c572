"""Rows that data migrations create, put back for tests that run outside a transaction.

`transaction=True` tests and browser tests flush the database after each test, taking
migration data with them: a later browser test would find no call outcomes to choose
from at wrap-up. Each seed below is the migration's own function, and safe to run twice.
"""

import importlib

from django.apps import apps

SEEDS = [
    "control_room.migrations.0002_seed_outcomes",
    "reviews.migrations.0002_missed_opportunities",
]


def restore_migration_data() -> None:
    for module in SEEDS:
        importlib.import_module(module).seed(apps, None)
