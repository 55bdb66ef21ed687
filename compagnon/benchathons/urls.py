from django.urls import path

from compagnon.benchathons import views

app_name = "benchathons"
urlpatterns = [
    path("", views.benchathon_list, name="list"),
    path("workshops/<int:workshop_pk>/new/", views.benchathon_create, name="create"),
    path("<int:pk>/", views.benchathon_detail, name="detail"),
    path("<int:pk>/setup/", views.benchathon_setup, name="setup"),
    path("<int:pk>/board/", views.benchathon_board, name="board"),
    path("<int:pk>/results/", views.benchathon_results_view, name="results"),
    path("<int:pk>/publish/", views.benchathon_publish, name="publish"),
    path("<int:pk>/chart.svg", views.benchathon_chart_svg, name="chart_svg"),
    path("evaluations/<int:pk>/", views.evaluation_fill, name="evaluation"),
]
