"""The sign-in backend: allauth's, loading the member's person with the user.

Every signed-in page asks who the viewer is (`members.selectors.viewer_for`): the
user, then their person and organisation. Loading the three in one query when the
session is read saves a round trip on every signed-in request.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model


class MemberBackend(AuthenticationBackend):
    """allauth's email backend; `get_user` brings the person and organisation along."""

    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("person__organisation").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
