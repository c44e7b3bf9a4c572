from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "response_platform.accounts"
    label = "accounts"
