from django.urls import path

from response_platform.sms import views

app_name = "sms"
urlpatterns = [
    path("webhooks/twilio/sms-status/", views.status_webhook, name="status-webhook"),
    path("dev/outbox/", views.outbox, name="outbox"),
]
