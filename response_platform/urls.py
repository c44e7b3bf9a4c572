from django.contrib import admin
from django.urls import include, path

from response_platform.accounts.views import home

# /healthz is answered by response_platform.health.HealthzMiddleware, ahead of the
# HTTPS redirect and host checks, so it has no URL pattern here.
urlpatterns = [
    path("", home, name="home"),
    path("", include("response_platform.accounts.urls")),
    path("", include("response_platform.sms.urls")),
    path("cases/", include("response_platform.cases.urls")),
    path("", include("video.urls")),
    path("", include("evidence.urls")),
    path("", include("referrals.urls")),
    path("portal/", include("referrals.portal_urls")),
    path("", include("followups.urls")),
    path("", include("response_platform.retention.urls")),
    path("audit/", include("response_platform.audit.urls")),
    path("control-room/", include("control_room.urls")),
    path("reviews/", include("reviews.urls")),
    path("admin/", admin.site.urls),
]
