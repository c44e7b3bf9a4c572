from django.urls import path
from django.views.generic import TemplateView

app_name = "portal"
urlpatterns = [path("", TemplateView.as_view(template_name="404.html"), name="inbox")]
