from functools import cache

from django.conf import settings

from compagnon.core.notices import notices_unread_count
from compagnon.members.selectors import viewer_for


def site(request):
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "viewer": viewer_for(user),
        # Called by the template only when it shows the header link: one COUNT query, once.
        "notices_unread": cache(lambda: notices_unread_count(user)),
    }
