from django.urls import path

from compagnon.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("staff/webhooks/", views.endpoints, name="endpoints"),
    path("staff/webhooks/<int:pk>/", views.endpoint, name="endpoint"),
    path("staff/webhooks/<int:pk>/active/", views.endpoint_active, name="endpoint_active"),
    path(
        "staff/webhooks/deliveries/<int:pk>/replay/",
        views.delivery_replay,
        name="delivery_replay",
    ),
]
