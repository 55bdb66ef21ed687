from django.urls import path

from compagnon.members import views

app_name = "members"
urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("me/", views.profile_edit, name="profile_edit"),
]
