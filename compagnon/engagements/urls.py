from django.urls import path

from compagnon.engagements import views

app_name = "engagements"

urlpatterns = [
    path("", views.engagement_list, name="list"),
    path("new/<int:case_pk>/", views.engagement_create, name="create"),
    path("<int:pk>/", views.engagement_detail, name="detail"),
    path("<int:pk>/log/", views.entry_log, name="entry_log"),
    path("<int:pk>/reports/", views.report_add, name="report_add"),
    path("<int:pk>/close/", views.engagement_close, name="close"),
    path("entries/<int:pk>/decide/", views.entry_decide, name="entry_decide"),
]
