from django.urls import path

from compagnon.newsletter import views

app_name = "newsletter"
urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("thanks/", views.subscribe_done, name="subscribe_done"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("mailings/", views.mailing_list, name="mailing_list"),
    path("mailings/new/", views.mailing_create, name="mailing_create"),
    path("mailings/<int:pk>/", views.mailing_detail, name="mailing_detail"),
    path("mailings/<int:pk>/edit/", views.mailing_edit, name="mailing_edit"),
    path("mailings/<int:pk>/digest/", views.mailing_digest, name="mailing_digest"),
    path("mailings/<int:pk>/test/", views.mailing_test, name="mailing_test"),
    path("mailings/<int:pk>/preview/", views.mailing_preview, name="mailing_preview"),
    path("mailings/<int:pk>/send/", views.mailing_send, name="mailing_send"),
    path("mailings/<int:pk>/progress/", views.mailing_progress, name="mailing_progress"),
    path("mailings/<int:pk>/log/", views.mailing_log, name="mailing_log"),
]
