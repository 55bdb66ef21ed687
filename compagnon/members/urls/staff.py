from django.urls import path

from compagnon.members.views import staff as staff_views

app_name = "staff"
urlpatterns = [
    path("members/", staff_views.dashboard, name="dashboard"),
    path("import/", staff_views.import_upload, name="import_upload"),
    path("import/<int:pk>/", staff_views.import_preview, name="import_preview"),
    path("import/<int:pk>/apply/", staff_views.import_apply, name="import_apply"),
    path("import/<int:pk>/progress/", staff_views.import_progress, name="import_progress"),
    path("export/people.csv", staff_views.export_people, name="export_people"),
    path("export/organisations.csv", staff_views.export_organisations, name="export_organisations"),
]
