"""French names, in the admin, for the sections and models that other packages bring.

Our catalogue is read before the packages' own, so a msgid here wins (the
admin's "Change" link reads « Modifier »; a level's "Change", in the workshop
feedback, has its own context and reads « Évolution »). Three fixes a
catalogue cannot make by itself:

* allauth's MFA `Authenticator` has no translatable name (Django derives
  "authenticators" from the class name): it gets one;
* django-tasks' database backend names its section "Tasks Database Backend"
  in plain English: it becomes "Background tasks";
* allauth's `account` app is called "Accounts", as is ours (users and
  invitations): the admin showed two « Comptes ». Allauth's section holds the
  email addresses, so it is named for them.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _

# Marked here so that `make messages` puts them in our catalogue. Django's French says
# « Modification » for the admin's "Change" link; a club's staff read « Modifier ».
TASK_RESULT = (_("Task Result"), _("Task Results"))
ADMIN_CHANGE = _("Change")


def admin_labels_apply() -> None:
    if apps.is_installed("allauth.mfa"):
        authenticator = apps.get_model("mfa", "Authenticator")
        authenticator._meta.verbose_name = _("authenticator")
        authenticator._meta.verbose_name_plural = _("authenticators")
        apps.get_app_config("mfa").verbose_name = _("Two-factor authentication")
    if apps.is_installed("allauth.account"):
        apps.get_app_config("account").verbose_name = _("Email addresses")
    if apps.is_installed("django_tasks_db"):
        apps.get_app_config("django_tasks_database").verbose_name = _("Background tasks")
