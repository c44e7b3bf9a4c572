from django.urls import path

from referrals import escalation_views

urlpatterns = [path("escalations/", escalation_views.escalation_list, name="escalations")]
