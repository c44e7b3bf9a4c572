from django.apps import AppConfig


class VideoConfig(AppConfig):
    name = "video"

    def ready(self):
        from video import receivers  # noqa: F401  (connects signal receivers)
