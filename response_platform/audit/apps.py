from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "response_platform.audit"
    verbose_name = "Audit trail"
