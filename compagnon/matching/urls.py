from django.urls import path

from compagnon.matching import views

app_name = "matching"

urlpatterns = [
    path("quality/", views.quality, name="quality"),
    path("quality/<int:pk>/activate/", views.model_activate, name="model_activate"),
]
