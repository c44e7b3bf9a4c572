from django.urls import path

from referrals import case_views

urlpatterns = [
    path("cases/<uuid:case_id>/referrals/new/", case_views.new_referral, name="new_referral"),
    path(
        "cases/<uuid:case_id>/referrals/<uuid:referral_id>/",
        case_views.referral_thread,
        name="referral_thread",
    ),
    path(
        "cases/<uuid:case_id>/referrals/<uuid:referral_id>/panels/<slug:panel>/",
        case_views.referral_thread_panel,
        name="referral_thread_panel",
    ),
    path(
        "cases/<uuid:case_id>/referrals/<uuid:referral_id>/messages/",
        case_views.post_message,
        name="referral_message",
    ),
]
