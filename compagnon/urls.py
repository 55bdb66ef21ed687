from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from compagnon.api.urls import api_v1_urls

admin.site.site_header = "compagnon"
admin.site.site_title = "compagnon"

urlpatterns = [
    path("", include("compagnon.site.urls")),
    path("", include("compagnon.core.urls")),
    path("", include("compagnon.ops.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("compagnon.accounts.urls")),
    path("accounts/", include("compagnon.sso.urls")),
    path("", include("compagnon.members.urls.pages")),
    path("staff/", include("compagnon.desk.urls.pages")),
    path("", include("compagnon.desk.urls.public")),
    path("staff/", include("compagnon.members.urls.staff")),
    path("cases/", include("compagnon.cases.urls.pages")),
    path("", include("compagnon.cases.urls.invitations")),
    path("workshops/", include("compagnon.workshops.urls")),
    path("knowledge/", include("compagnon.knowledge.urls")),
    path("", include("compagnon.news.urls")),
    path("newsletter/", include("compagnon.newsletter.urls")),
    path("challenges/", include("compagnon.challenges.urls")),
    path("awards/", include("compagnon.awards.urls")),
    path("benchathons/", include("compagnon.benchathons.urls")),
    path("careers/", include("compagnon.careers.urls")),
    path("staff/matching/", include("compagnon.matching.urls")),
    path("learning/", include("compagnon.learning.urls")),
    path("escape/", include("compagnon.escape.urls")),
    path("insights/", include("compagnon.insights.urls")),
    path("engagements/", include("compagnon.engagements.urls")),
    path("api/v1/", api_v1_urls),
    path("", include("compagnon.api.urls")),
    path("", include("compagnon.webhooks.urls")),
    path("chat/", include("compagnon.chat.urls")),
    path("admin/", admin.site.urls),
]

# The 500 page renders from settings alone (no database, no context processors).
handler500 = "compagnon.core.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
