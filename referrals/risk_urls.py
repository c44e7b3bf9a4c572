from django.urls import path

from referrals import risk_views

urlpatterns = [
    path("cases/<uuid:case_id>/risk/", risk_views.edit, name="risk_edit"),
    path("cases/<uuid:case_id>/risk/v<int:version>/", risk_views.version, name="risk_version"),
]
