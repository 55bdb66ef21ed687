from django.urls import path

from compagnon.cases.views import invitations as views

app_name = "case_invitations"
urlpatterns = [
    path("cases/<int:pk>/match/", views.case_match, name="case_match"),
    path("cases/<int:pk>/interest/", views.case_hand_raise_view, name="case_hand_raise"),
    path("invitations/<int:pk>/answer/", views.invitation_answer, name="invitation_answer"),
    path("invitations/reply/<str:token>/", views.invitation_reply, name="invitation_reply"),
    path("notices/", views.notice_list, name="notice_list"),
]
