import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "response_platform.settings")

app = Celery("response_platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["response_platform.sms", "video", "referrals", "followups", "response_platform.retention"])
