from django.urls import path

from compagnon.awards import views

app_name = "awards"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("vote/done/", views.vote_done, name="vote_done"),
    path("vote/confirm/<str:token>/", views.vote_confirm, name="vote_confirm"),
    path("applications/<int:pk>/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/autosave/", views.application_autosave, name="autosave"),
    path("applications/<int:pk>/files/", views.attachment_add, name="attachment_add"),
    path("applications/<int:pk>/eligibility/", views.eligibility, name="eligibility"),
    path("applications/<int:pk>/decide/", views.decide, name="decide"),
    path("files/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("files/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("<slug:slug>/", views.edition, name="edition"),
    path("<slug:slug>/winners/", views.winners, name="winners"),
    path("<slug:slug>/apply/", views.apply, name="apply"),
    path("<slug:slug>/vote/<int:pk>/", views.vote, name="vote"),
    path("<slug:slug>/jury/", views.jury, name="jury"),
    path("<slug:slug>/jury/answer/", views.jury_answer, name="jury_answer"),
    path("<slug:slug>/jury/conflicts/", views.conflict_declare, name="conflict_declare"),
    path("<slug:slug>/staff/", views.staff_edition, name="staff"),
    path("<slug:slug>/staff/jurors/", views.juror_invite, name="juror_invite"),
    path("<slug:slug>/staff/assign/", views.assign, name="assign"),
    path("<slug:slug>/board/", views.board, name="board"),
    path("<slug:slug>/board/publish/", views.publish, name="publish"),
    path("<slug:slug>/board/announce/", views.announce, name="announce"),
]
