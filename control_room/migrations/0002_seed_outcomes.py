from django.db import migrations

# Offered to every force; a force admin adds their own or retires these in the admin.
OUTCOMES = [
    "Advice given, caller safe",
    "Safety plan agreed",
    "Police attendance requested",
    "Referred to support services",
    "Caller disconnected",
    "No contact made",
]


def seed(apps, schema_editor):
    CallOutcome = apps.get_model("control_room", "CallOutcome")
    for position, label in enumerate(OUTCOMES, start=1):
        CallOutcome.objects.get_or_create(force=None, label=label, defaults={"position": position * 10})


def unseed(apps, schema_editor):
    apps.get_model("control_room", "CallOutcome").objects.filter(force=None, label__in=OUTCOMES).delete()


class Migration(migrations.Migration):
    dependencies = [("control_room", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
