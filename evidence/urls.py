from django.urls import path

from evidence import staff_views, victim_views

app_name = "evidence"
urlpatterns = [
    # The caller's side: the device cookie, under /v/ like the other caller pages.
    path("v/evidence/consent/", victim_views.consent, name="victim-consent"),
    path("v/evidence/location/", victim_views.location, name="victim-location"),
    path("v/evidence/photo/", victim_views.photo, name="victim-photo"),
    # The specialist's side.
    path("sessions/<uuid:session_id>/evidence/", staff_views.state, name="state"),
    path("sessions/<uuid:session_id>/evidence/snapshots/", staff_views.take_snapshot, name="take-snapshot"),
    path("evidence/snapshots/<int:snapshot_id>/", staff_views.snapshot_image, name="snapshot"),
]
