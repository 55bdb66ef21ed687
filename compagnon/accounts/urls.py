from django.urls import path

from compagnon.accounts import views

app_name = "accounts"
urlpatterns = [
    path("invitations/", views.invitation_list, name="invitation_list"),
    path("invitations/bulk/", views.invitation_bulk, name="invitation_bulk"),
    path("organisations/<slug:slug>/invite/", views.colleagues_invite, name="colleagues_invite"),
    path("invitations/new/<int:person_pk>/", views.invitation_create, name="invitation_create"),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("me/data.zip", views.data_export, name="data_export"),
    path("me/erase/", views.data_erase, name="data_erase"),
]
