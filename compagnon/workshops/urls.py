"""Workshop pages (`urls_pages`) and registration (`urls_registration`) under one namespace."""

from compagnon.workshops.urls_history import urlpatterns as history_urls
from compagnon.workshops.urls_pages import urlpatterns as page_urls
from compagnon.workshops.urls_registration import urlpatterns as registration_urls
from compagnon.workshops.urls_visitors import urlpatterns as visitor_urls

app_name = "workshops"
urlpatterns = [*history_urls, *page_urls, *registration_urls, *visitor_urls]
