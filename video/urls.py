from django.urls import path

from video import staff_views, victim_views

app_name = "video"
urlpatterns = [
    # The caller's side: no login, a device cookie instead.
    path("j/<str:token>", victim_views.redeem, name="redeem"),
    path("v/", victim_views.home, name="victim-home"),
    path("v/consent/", victim_views.consent, name="victim-consent"),
    # The specialist's side.
    path("cases/<uuid:case_id>/sessions/", staff_views.start, name="start"),
    path("sessions/<uuid:session_id>/", staff_views.detail, name="session"),
    path("sessions/<uuid:session_id>/events/", staff_views.events, name="events"),
    path("sessions/<uuid:session_id>/resend/", staff_views.resend, name="resend"),
    path("sessions/<uuid:session_id>/revoke/", staff_views.revoke, name="revoke"),
    path("sessions/<uuid:session_id>/end/", staff_views.end, name="end"),
]
