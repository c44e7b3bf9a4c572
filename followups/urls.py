from django.urls import path

from followups import views

app_name = "followups"
urlpatterns = [
    path("cases/<uuid:case_id>/follow-ups/new/", views.schedule, name="schedule"),
    path("cases/<uuid:case_id>/follow-ups/contact-times/", views.contact_times, name="contact-times"),
    path("cases/<uuid:case_id>/follow-ups/consent/", views.record_consent, name="consent"),
    path("cases/<uuid:case_id>/video-calls/new/", views.book, name="book"),
    path("follow-ups/", views.reminders, name="reminders"),
    path("follow-ups/<int:pk>/move/", views.reschedule, name="reschedule"),
    path("follow-ups/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("follow-ups/<int:pk>/done/", views.done, name="done"),
    path("video-calls/<uuid:pk>/cancel/", views.cancel_appointment, name="cancel-appointment"),
]
