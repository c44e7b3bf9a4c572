from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "response_platform.cases"
    label = "cases"
