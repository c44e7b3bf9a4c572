from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from response_platform.health import healthz

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="cases:list"), name="home"),
    path("healthz", healthz, name="healthz"),
    path("", include("response_platform.accounts.urls")),
    path("", include("response_platform.sms.urls")),
    path("cases/", include("response_platform.cases.urls")),
    path("", include("video.urls")),
    path("admin/", admin.site.urls),
]
