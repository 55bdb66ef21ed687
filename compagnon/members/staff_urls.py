from django.urls import path

from compagnon.members import staff_views

app_name = "staff"
urlpatterns = [
    path("", staff_views.dashboard, name="dashboard"),
]
