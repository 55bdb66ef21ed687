"""Run the test IdP: migrate a fresh SQLite file, add the users and the client, serve HTTP.

IDP_CONFIG='{"db": ..., "port": ..., "rsa_private_key": ..., "users": [...],
"client": {...}}' python -m compagnon.sso.tests.idp.serve
"""

import os

os.environ["DJANGO_SETTINGS_MODULE"] = "compagnon.sso.tests.idp.settings"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import run  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402


def main() -> None:
    config = settings.CONFIG
    call_command("migrate", verbosity=0, interactive=False)
    for spec in config.get("users", []):
        User.objects.create_user(
            username=spec["username"],
            password=spec["password"],
            email=spec["email"],
            first_name=spec.get("first_name", ""),
            last_name=spec.get("last_name", ""),
        )
    client = config["client"]
    Application.objects.create(
        name="compagnon",
        client_id=client["client_id"],
        client_secret=client["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(client["redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    run("127.0.0.1", int(config["port"]), get_wsgi_application(), threading=True)


if __name__ == "__main__":
    main()
