import base64

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from response_platform.accounts import demo


class Command(BaseCommand):
    help = "Create the demo force and one user per role, and print how to sign in. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Seed even with DEBUG off (a demo deployment). The demo password is public.",
        )

    def handle(self, *args, allow_without_debug=False, **options):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError("DEBUG is off: demo users have a public password. Pass --allow-without-debug to seed.")
        seeded = demo.seed()
        self.stdout.write("\nDemo logins (force: Demo Constabulary), password for all: " + demo.DEMO_PASSWORD)
        self.stdout.write("Second factor: add the secret to an authenticator app, or print the current code with")
        self.stdout.write("  .venv/bin/python manage.py totp_code <username>\n")
        for user, device in seeded:
            secret = base64.b32encode(device.bin_key).decode()
            self.stdout.write(f"  {user.username:<12} {user.get_role_display():<28} TOTP secret {secret}")
        self.stdout.write("")
