import base64

from django.core.management.base import BaseCommand

from response_platform.accounts import demo


class Command(BaseCommand):
    help = "Create the demo force and one user per role, and print how to sign in."

    def handle(self, *args, **options):
        seeded = demo.seed()
        self.stdout.write("\nDemo logins (force: Demo Constabulary), password for all: " + demo.DEMO_PASSWORD)
        self.stdout.write("Second factor: add the secret to an authenticator app, or print the current code with")
        self.stdout.write("  .venv/bin/python manage.py totp_code <username>\n")
        for user, device in seeded:
            secret = base64.b32encode(device.bin_key).decode()
            self.stdout.write(f"  {user.username:<12} {user.get_role_display():<28} TOTP secret {secret}")
        self.stdout.write("")
