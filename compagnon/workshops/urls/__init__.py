"""The workshop URLs, one module per part, joined under the one `workshops` namespace.

`pages` (calendar, workshop pages, organisers), `registration` (register, roster,
calendars), `history` (the import) and `visitors` (public workshops, by email). A new
part is a new module here whose `urlpatterns` is added to the list below.
"""

from compagnon.workshops.urls.history import urlpatterns as history_urls
from compagnon.workshops.urls.pages import urlpatterns as page_urls
from compagnon.workshops.urls.registration import urlpatterns as registration_urls
from compagnon.workshops.urls.visitors import urlpatterns as visitor_urls

app_name = "workshops"
urlpatterns = [*history_urls, *page_urls, *registration_urls, *visitor_urls]
