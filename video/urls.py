from django.urls import path

from video import guest_views, invite_views, staff_views, victim_views

app_name = "video"
urlpatterns = [
    # The caller's side: no login, a device cookie instead.
    path("j/<str:token>", victim_views.redeem, name="redeem"),
    path("v/", victim_views.home, name="victim-home"),
    path("v/consent/", victim_views.consent, name="victim-consent"),
    path("v/language/", victim_views.choose_language, name="victim-language"),
    # An invited interpreter or advocate: a single-use link, no account.
    path("g/<str:token>", guest_views.redeem, name="guest-redeem"),
    path("g/", guest_views.home, name="guest-home"),
    # The specialist's side.
    path("cases/<uuid:case_id>/sessions/", staff_views.start, name="start"),
    path("sessions/<uuid:session_id>/", staff_views.detail, name="session"),
    path("sessions/<uuid:session_id>/events/", staff_views.events, name="events"),
    path("sessions/<uuid:session_id>/resend/", staff_views.resend, name="resend"),
    path("sessions/<uuid:session_id>/revoke/", staff_views.revoke, name="revoke"),
    path("sessions/<uuid:session_id>/end/", staff_views.end, name="end"),
    path("sessions/<uuid:session_id>/invite/", invite_views.invite, name="invite"),
    path(
        "sessions/<uuid:session_id>/invitations/<int:invitation_id>/remove/",
        invite_views.remove,
        name="remove-invitation",
    ),
]
