from django.apps import AppConfig


class SmsConfig(AppConfig):
    name = "response_platform.sms"
    label = "sms"
