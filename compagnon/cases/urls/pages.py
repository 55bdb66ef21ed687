from django.urls import path

from compagnon.cases.views import pages as views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_create_view, name="case_create"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("<int:pk>/transition/", views.case_transition_view, name="case_transition"),
    path("inbound/email/<str:secret>/", views.inbound_email, name="inbound_email"),
    path("inbound/confirm/<str:token>/", views.inbound_confirm, name="inbound_confirm"),
    path("inbound/chat/", views.inbound_chat, name="inbound_chat"),
    path("chat/", views.chat_link, name="chat_link"),
]
