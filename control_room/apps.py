from django.apps import AppConfig


class ControlRoomConfig(AppConfig):
    name = "control_room"
    verbose_name = "Control room"

    def ready(self):
        from control_room import receivers  # noqa: F401  (connects the SMS-status hook)
