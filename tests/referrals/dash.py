"""The DASH questionnaire for tests that run outside a transaction.

The data migration creates it, but `transaction=True` tests and browser tests flush the
database after each test, taking migration data with them. This puts it back the same way
the migration made it.
"""

import importlib

from django.apps import apps

from referrals.models import Questionnaire

_migration = importlib.import_module("referrals.migrations.0002_dash_questionnaire")


def ensure_dash_questionnaire() -> Questionnaire:
    if not Questionnaire.objects.filter(code="dash", is_current=True).exists():
        _migration.create_dash(apps, None)
    return Questionnaire.objects.get(code="dash", is_current=True)
