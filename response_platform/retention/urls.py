from django.urls import path

from response_platform.retention import views

app_name = "retention"
urlpatterns = [
    path("cases/<uuid:case_id>/legal-hold/", views.legal_hold, name="legal-hold"),
]
