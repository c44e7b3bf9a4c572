"""The missed-opportunity list every force starts with; force admins add their own in the admin."""

from django.db import migrations

STARTING_LIST = [
    "DASH risk questions not asked",
    "Children in the household not identified",
    "Previous incidents not checked",
    "Caller not offered the video call / text option",
    "Safety advice not given",
    "Specialist not consulted",
    "Coercive control indicators missed",
    "Third party or language need not addressed",
]


def seed(apps, schema_editor):
    MissedOpportunity = apps.get_model("reviews", "MissedOpportunity")
    for order, label in enumerate(STARTING_LIST, start=1):
        MissedOpportunity.objects.get_or_create(force=None, label=label, defaults={"order": order * 10})


def unseed(apps, schema_editor):
    apps.get_model("reviews", "MissedOpportunity").objects.filter(force=None, label__in=STARTING_LIST).delete()


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
