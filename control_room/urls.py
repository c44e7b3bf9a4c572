from django.urls import path

from control_room import views

app_name = "control_room"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("rows/", views.dashboard_panel, name="dashboard-rows"),
    path("sessions/<uuid:session_id>/wrap-up/", views.wrap_up, name="wrap-up"),
    path("sessions/<uuid:session_id>/training-link/", views.training_link, name="training-link"),
    path("cases/<uuid:case_id>/checklist/<slug:item>/", views.decide, name="decide"),
]
