from django.urls import path

from compagnon.insights import views

app_name = "insights"

urlpatterns = [
    path("me/", views.my_growth, name="me"),
    path("club/", views.club_dashboard, name="club"),
    path("club/recompute/", views.recompute, name="recompute"),
    path("club/progress/", views.club_progress, name="club_progress"),
    path("tenure-imports/", views.tenure_imports, name="tenure_imports"),
    path("tenure-imports/<int:pk>/", views.tenure_import_preview, name="tenure_import"),
    path(
        "tenure-imports/<int:pk>/apply/",
        views.tenure_import_apply_view,
        name="tenure_import_apply",
    ),
    path(
        "tenure-imports/<int:pk>/problems.csv",
        views.tenure_import_errors_csv,
        name="tenure_import_errors",
    ),
    path("organisations/<slug:slug>/", views.organisation_dashboard, name="organisation"),
    path("organisations/<slug:slug>/report.pdf", views.organisation_pdf, name="organisation_pdf"),
    path(
        "organisations/<slug:slug>/progress/",
        views.organisation_progress,
        name="organisation_progress",
    ),
    path(
        "organisations/<slug:slug>/participation.csv",
        views.organisation_csv,
        name="organisation_csv",
    ),
]
