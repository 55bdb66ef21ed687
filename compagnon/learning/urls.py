from django.urls import path

from compagnon.learning import views

app_name = "learning"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("mine/", views.my_learning, name="my_learning"),
    path("mine/consent/", views.consent_set, name="consent_set"),
    path("mine/proposals/<int:pk>/", views.proposal_answer, name="proposal_answer"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme_detail"),
    path("lessons/<int:pk>/", views.lesson_detail, name="lesson_detail"),
    path("lessons/<int:pk>/video/", views.lesson_video, name="lesson_video"),
    path(
        "lessons/<int:pk>/captions/<str:language>.vtt",
        views.lesson_captions,
        name="lesson_captions",
    ),
    path("lessons/<int:pk>/dataset.csv", views.lesson_dataset, name="lesson_dataset"),
    path("lessons/<int:pk>/heartbeat/", views.lesson_heartbeat, name="lesson_heartbeat"),
    path("lessons/<int:pk>/read/", views.lesson_mark_read, name="lesson_mark_read"),
    path("lessons/<int:pk>/quiz/", views.quiz_submit, name="quiz_submit"),
    path("lessons/<int:pk>/exercise/", views.exercise_submit, name="exercise_submit"),
    path("lessons/<int:pk>/media/", views.lesson_media, name="lesson_media"),
    path("lessons/<int:pk>/analysis/", views.quiz_analysis, name="quiz_analysis"),
    path("certificates/<str:code>.pdf", views.certificate_download, name="certificate_download"),
    path("verify/<str:code>/", views.certificate_verify, name="certificate_verify"),
    path("cohorts/", views.cohort_list, name="cohort_list"),
    path("cohorts/new/", views.cohort_create, name="cohort_create"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort_detail"),
    path("cohorts/<int:pk>/join/", views.cohort_join_domain, name="cohort_join_domain"),
    path("cohorts/<int:pk>/want-more/", views.cohort_want_more, name="cohort_want_more"),
    path("cohorts/<int:pk>/funnel/", views.cohort_funnel, name="cohort_funnel"),
    path("cohorts/<int:pk>/funnel.csv", views.cohort_funnel_export, name="cohort_funnel_export"),
    path("cohorts/<int:pk>/invite/", views.cohort_invite, name="cohort_invite"),
    path("cohorts/<int:pk>/modules/<int:module_pk>/", views.cohort_module, name="cohort_module"),
    path("join/<str:token>/", views.cohort_join, name="cohort_join"),
]
