app_name = "followups"
urlpatterns: list = []
