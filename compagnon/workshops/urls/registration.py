"""Registration, the roster and calendars (joined under the `workshops` namespace by `urls/__init__.py`)."""

from django.urls import path

from compagnon.workshops.views import registration as views

urlpatterns = [
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/roster/", views.roster, name="roster"),
    path("<int:pk>/roster.csv", views.roster_export, name="roster_export"),
    path("<int:pk>/workshop.ics", views.workshop_ics_download, name="workshop_ics"),
    path("registrations/<int:pk>/confirm/", views.offer_confirm, name="offer_confirm"),
    path("registrations/<int:pk>/attendance/", views.attendance_mark, name="attendance_mark"),
    path("no-shows/", views.no_shows, name="no_shows"),
    path("my-calendar/", views.my_calendar, name="my_calendar"),
    path("my-calendar/rotate/", views.feed_rotate, name="calendar_feed_rotate"),
    path("feeds/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
