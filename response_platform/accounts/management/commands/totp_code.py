from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from response_platform.accounts.demo import DEMO_FORCE_CODE


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo user (demo force only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        # Only the demo force: this must never print a code for a real account.
        device = TOTPDevice.objects.filter(
            user__username=username, user__force__code=DEMO_FORCE_CODE, confirmed=True
        ).first()
        if device is None:
            raise CommandError("No demo user with that name. Run `make run` (or manage.py seed_demo) first.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
