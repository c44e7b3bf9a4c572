from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "response_platform.retention"
    label = "retention"
    verbose_name = "Retention"

    def ready(self):
        # Registers retention.apply with Celery wherever Django starts (web, worker, beat).
        from response_platform.retention import tasks  # noqa: F401
