from django.urls import path

from compagnon.challenges import views

app_name = "challenges"
urlpatterns = [
    path("", views.challenge_list, name="challenge_list"),
    path("new/", views.challenge_create_view, name="challenge_create"),
    path("<slug:slug>/", views.challenge_detail, name="challenge_detail"),
    path("<slug:slug>/accept-rules/", views.rules_accept, name="rules_accept"),
    path("<slug:slug>/data/<int:pk>/", views.data_file_download, name="data_file_download"),
    path("<slug:slug>/sample-submission.csv", views.sample_submission, name="sample_submission"),
    path("<slug:slug>/discussion/", views.discussion, name="discussion"),
    path("<slug:slug>/leaderboard/", views.leaderboard, name="leaderboard"),
    path("<slug:slug>/leaderboard.csv", views.leaderboard_export, name="leaderboard_export"),
    path("<slug:slug>/submit/", views.submit, name="submit"),
    path("<slug:slug>/submissions/", views.my_submissions, name="my_submissions"),
    path(
        "<slug:slug>/submissions/<int:pk>/final/", views.submission_final, name="submission_final"
    ),
    path("<slug:slug>/team/", views.team_page, name="team"),
    path("<slug:slug>/team/create/", views.team_create_view, name="team_create"),
    path("<slug:slug>/team/invite/", views.team_invite_view, name="team_invite"),
    path(
        "<slug:slug>/team/invitations/<int:pk>/",
        views.team_invitation_answer,
        name="team_invitation_answer",
    ),
    path("<slug:slug>/team/leave/", views.team_leave_view, name="team_leave"),
    path("<slug:slug>/edit/", views.challenge_edit, name="challenge_edit"),
    path("<slug:slug>/manage/", views.manage, name="manage"),
    path("<slug:slug>/manage/data/", views.data_file_upload, name="data_file_upload"),
    path(
        "<slug:slug>/manage/data/<int:pk>/remove/",
        views.data_file_remove_view,
        name="data_file_remove",
    ),
    path("<slug:slug>/manage/solution/", views.solution_upload_view, name="solution_upload"),
    path("<slug:slug>/manage/baseline/", views.baseline_upload, name="baseline_upload"),
    path("<slug:slug>/manage/reveal/", views.reveal_private, name="reveal_private"),
    path("<slug:slug>/manage/rescore/", views.rescore_all, name="rescore_all"),
]
