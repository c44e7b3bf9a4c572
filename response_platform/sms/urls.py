from django.urls import path

from response_platform.sms import inbound_views, views

app_name = "sms"
urlpatterns = [
    path("webhooks/twilio/sms-status/", views.status_webhook, name="status-webhook"),
    path("webhooks/twilio/sms-inbound/", inbound_views.inbound_webhook, name="inbound-webhook"),
    path("replies/", inbound_views.reply_list, name="replies"),
    path("replies/<int:reply_id>/read/", inbound_views.reply_read, name="reply-read"),
    path("dev/outbox/", views.outbox, name="outbox"),
]
