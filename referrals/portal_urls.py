"""The support-service portal, mounted at /portal/ (support workers only)."""

from django.urls import path

from referrals import portal_views as views

app_name = "portal"
REFERRAL = "referrals/<uuid:referral_id>/"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("panels/<slug:panel>/", views.inbox_panel, name="inbox_panel"),
    path(REFERRAL, views.referral_detail, name="referral"),
    path(REFERRAL + "panels/<slug:panel>/", views.referral_panel, name="referral_panel"),
    path(REFERRAL + "acknowledge/", views.acknowledge, name="acknowledge"),
    path(REFERRAL + "accept/", views.accept, name="accept"),
    path(REFERRAL + "decline/", views.decline, name="decline"),
    path(REFERRAL + "contact/", views.contact, name="contact"),
    path(REFERRAL + "close/", views.close, name="close"),
    path(REFERRAL + "messages/", views.post_message, name="message"),
]
