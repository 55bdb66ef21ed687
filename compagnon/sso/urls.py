from django.urls import path

from compagnon.sso import views

app_name = "sso"
urlpatterns = [
    path("company-login/", views.company_login, name="company_login"),
]
