from django.urls import path

from compagnon.members.views import pages as views

app_name = "members"
urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path(
        "organisations/<slug:slug>/manage/", views.organisation_manage, name="organisation_manage"
    ),
    path(
        "organisations/<slug:slug>/manage/people.csv",
        views.organisation_people_export,
        name="organisation_people_export",
    ),
    path("me/", views.profile_edit, name="profile_edit"),
    path("me/skills/", views.skill_add, name="skill_add"),
    path("me/skills/<slug:tag_slug>/", views.skill_update, name="skill_update"),
    path("me/skills/<slug:tag_slug>/remove/", views.skill_remove, name="skill_remove"),
    path("me/interests/", views.interest_add, name="interest_add"),
    path("me/interests/<slug:tag_slug>/remove/", views.interest_remove, name="interest_remove"),
]
