from django.urls import path

from reviews import views

app_name = "reviews"
urlpatterns = [
    path("my-incidents/", views.my_incidents, name="mine"),
    path("my-incidents/new/", views.log_incident, name="log"),
    path("my-incidents/<int:incident_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("queue/", views.queue, name="queue"),
    path("incidents/<int:incident_id>/", views.review, name="review"),
    path("statistics/", views.statistics, name="statistics"),
]
