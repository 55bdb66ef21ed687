from django.urls import path

from compagnon.insights import views

app_name = "insights"

urlpatterns = [
    path("me/", views.my_growth, name="me"),
    path("club/", views.club_dashboard, name="club"),
    path("club/recompute/", views.recompute, name="recompute"),
    path("organisations/<slug:slug>/", views.organisation_dashboard, name="organisation"),
    path("organisations/<slug:slug>/report.pdf", views.organisation_pdf, name="organisation_pdf"),
    path(
        "organisations/<slug:slug>/participation.csv",
        views.organisation_csv,
        name="organisation_csv",
    ),
]
