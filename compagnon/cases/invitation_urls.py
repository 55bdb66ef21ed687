from django.urls import path

app_name = "case_invitations"
urlpatterns: list = []
