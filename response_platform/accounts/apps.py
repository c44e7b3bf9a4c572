from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "response_platform.accounts"
    label = "accounts"

    def ready(self) -> None:
        from response_platform.accounts import signals  # noqa: F401  (connects the receivers)
