from django.urls import path

from compagnon.desk import views

app_name = "desk"
urlpatterns = [
    path("", views.desk_home, name="home"),
    path("queues/<slug:slug>/", views.queue, name="queue"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("contact/<int:pk>/answered/", views.contact_close, name="contact_close"),
]
