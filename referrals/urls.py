"""Control-room pages for risk and referrals. The support workers' portal is referrals.portal_urls."""

from referrals import escalation_urls, referral_urls, risk_urls

app_name = "referrals"
urlpatterns = risk_urls.urlpatterns + referral_urls.urlpatterns + escalation_urls.urlpatterns
