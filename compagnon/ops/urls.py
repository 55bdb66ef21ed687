from django.urls import path

from compagnon.ops import views

app_name = "ops"
urlpatterns = [
    path("healthz/ready", views.readiness, name="readiness"),
    path("metrics", views.metrics, name="metrics"),
]
