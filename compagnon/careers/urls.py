from django.urls import path

from compagnon.careers import views

app_name = "careers"

urlpatterns = [
    path("", views.index, name="index"),
    path("offers/new/", views.offer_new, name="offer_new"),
    path("offers/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("offers/<int:pk>/edit/", views.offer_edit, name="offer_edit"),
    path("offers/<int:pk>/candidates/", views.offer_candidates, name="offer_candidates"),
    path("offers/<int:pk>/apply/", views.offer_apply, name="offer_apply"),
    path("offers/<int:pk>/close/", views.offer_close, name="offer_close"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/offers/<int:pk>/", views.offer_moderate, name="offer_moderate"),
    path(
        "moderation/candidates/<int:pk>/accept/",
        views.candidate_application_accept,
        name="candidate_application_accept",
    ),
    path("join/", views.join, name="join"),
    path("join/done/", views.join_done, name="join_done"),
    path("profile/", views.profile, name="profile"),
    path("profile/cv/", views.cv_upload, name="cv_upload"),
    path("profile/cv/remove/", views.cv_remove, name="cv_remove"),
    path("profile/publications/", views.publications_import, name="publications_import"),
    path("candidates/<int:pk>/", views.candidate_detail, name="candidate_detail"),
    path("candidates/<int:pk>/cv/", views.candidate_cv, name="candidate_cv"),
    path("candidates/<int:pk>/message/", views.candidate_message, name="candidate_message"),
    path("mine/", views.mine, name="mine"),
    path("pipeline/", views.pipeline, name="pipeline"),
    path("applications/<int:pk>/move/", views.application_move, name="application_move"),
    path("conversations/<int:pk>/", views.thread, name="thread"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/<slug:slug>/", views.session_detail, name="session_detail"),
    path("sessions/<slug:slug>/schedule.ics", views.session_ics, name="session_ics"),
    path("slots/<int:pk>/book/", views.slot_book, name="slot_book"),
    path("help/new/", views.help_new, name="help_new"),
    path("help/<int:pk>/", views.help_detail, name="help_detail"),
    path("help/<int:pk>/comment/", views.help_comment, name="help_comment"),
    path("help/<int:pk>/shortlist/", views.help_shortlist, name="help_shortlist"),
]
