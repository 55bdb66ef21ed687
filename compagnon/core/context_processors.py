from django.conf import settings

from compagnon.members.selectors import viewer_for


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "viewer": viewer_for(request.user),
    }
