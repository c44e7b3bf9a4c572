from django.dispatch import Signal

# Sent with message=SmsMessage, previous=str, after the status has moved forward.
sms_status_changed = Signal()
