from django.urls import path

from compagnon.chat import views

app_name = "chat"
urlpatterns = [
    path("actions/", views.action, name="action"),
]
