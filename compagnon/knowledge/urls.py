from django.urls import path

from compagnon.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.search_view, name="search"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("workshops/<int:workshop_pk>/report/", views.report_edit, name="report_edit"),
    path("notes/", views.note_list, name="note_list"),
    path("notes/new/", views.note_create_view, name="note_create"),
    path("notes/<int:pk>/", views.note_detail, name="note_detail"),
    path("notes/<int:pk>/edit/", views.note_edit, name="note_edit"),
    path("outcomes/", views.outcome_list, name="outcome_list"),
    path("outcomes/new/", views.outcome_create_view, name="outcome_create"),
]
