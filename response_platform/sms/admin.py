from django.contrib import admin

from response_platform.sms.models import SmsMessage


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):
    list_display = ("pk", "status", "attempts", "error_code", "created_at")
    list_filter = ("status",)
    fields = ("record_body", "status", "provider_sid", "error_code", "error_message", "attempts")
    readonly_fields = fields
