from django.core.management.base import BaseCommand, CommandError

from response_platform.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Check the audit trail's hash chain end to end; exit 1 naming the first broken entry."

    def handle(self, *args, **options):
        report = verify_chain()
        if report.broken_at is not None:
            raise CommandError(f"Audit chain broken at entry #{report.broken_at}: {report.reason}.", returncode=1)
        if not report.ok:
            raise CommandError(f"Audit chain broken after entry #{report.checked}: {report.reason}.", returncode=1)
        self.stdout.write(f"Audit chain intact: {report.checked} entries.")
