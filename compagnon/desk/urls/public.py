from django.urls import path

from compagnon.desk import views

app_name = "club"
urlpatterns = [
    path("join/", views.join, name="join"),
    path("join/thanks/", views.join_done, name="join_done"),
    path("contact/", views.contact, name="contact"),
    path("contact/thanks/", views.contact_done, name="contact_done"),
]
