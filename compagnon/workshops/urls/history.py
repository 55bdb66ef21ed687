"""The history import (joined with the other workshop URLs under the `workshops` namespace)."""

from django.urls import path

from compagnon.workshops.views import history as views_history

urlpatterns = [
    path("history/import/", views_history.history_import, name="history_import"),
]
