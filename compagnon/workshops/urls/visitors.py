"""Visitors register for public workshops by email confirmation (`workshops.visitors`)."""

from django.urls import path

from compagnon.workshops.views import visitors as views

urlpatterns = [
    path("<int:pk>/visit/", views.visitor_register, name="visitor_register"),
    path("<int:pk>/visit/sent/", views.visitor_sent, name="visitor_sent"),
    path("visit/confirm/<str:token>/", views.visitor_confirm, name="visitor_confirm"),
    path(
        "visit/registration/<str:token>/", views.visitor_registration, name="visitor_registration"
    ),
]
