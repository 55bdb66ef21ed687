"""Workshop pages and organisers (joined under the `workshops` namespace by `urls/__init__.py`)."""

from django.urls import path

from compagnon.workshops.views import organising as views_organising
from compagnon.workshops.views import pages as views

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("month/", views.month, name="month"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.workshop_create, name="workshop_create"),
    path("from-case/<int:case_pk>/", views.plan_from_case, name="plan_from_case"),
    path("<int:pk>/", views.workshop_detail, name="workshop_detail"),
    path("<int:pk>/edit/", views.workshop_edit, name="workshop_edit"),
    path("<int:pk>/status/", views.workshop_status, name="workshop_status"),
    path("<int:pk>/sessions/", views.session_list, name="session_list"),
    path("<int:pk>/sessions/add/", views.session_add, name="session_add"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/delete/", views.session_delete, name="session_delete"),
    path("<int:pk>/materials/add/", views.material_add, name="material_add"),
    path("materials/<int:pk>/download/", views.material_download, name="material_download"),
    path("materials/<int:pk>/delete/", views.material_delete, name="material_delete"),
    path("<int:pk>/feedback/", views.feedback, name="feedback"),
    path("<int:pk>/feedback/summary/", views.feedback_summary, name="feedback_summary"),
    path("<int:pk>/follow-up/", views.plan_follow_up, name="plan_follow_up"),
    path("people/search/", views_organising.person_search, name="person_search"),
    path("<int:pk>/duplicate/", views_organising.workshop_duplicate, name="workshop_duplicate"),
    path("<int:pk>/whos-going/", views_organising.whos_going, name="whos_going"),
    path("<int:pk>/message/", views_organising.message_attendees, name="message_attendees"),
]
