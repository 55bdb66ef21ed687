from django.urls import path

from compagnon.escape import views

app_name = "escape"
urlpatterns = [
    path("", views.index, name="index"),
    path("sessions/new/", views.session_new, name="session_new"),
    path("sessions/<int:pk>/", views.console, name="console"),
    path("sessions/<int:pk>/status/", views.console_status, name="console_status"),
    path("sessions/<int:pk>/action/", views.session_action, name="session_action"),
    path("sessions/<int:pk>/broadcast/", views.broadcast, name="broadcast"),
    path("join/<str:code>/", views.join, name="join"),
    path("teams/<int:pk>/", views.team_page, name="team"),
    path("teams/<int:pk>/status/", views.team_status, name="team_status"),
    path("teams/<int:pk>/answer/", views.answer, name="answer"),
    path("teams/<int:pk>/hint/", views.hint, name="hint"),
    path("teams/<int:pk>/unlock/", views.unlock, name="unlock"),
    path("teams/<int:pk>/debrief/", views.debrief, name="debrief"),
]
