from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The front: the home page and the demo club, which read from every other app.

    Label "site" (django.contrib.sites is "sites"; it is not installed anyway).
    """

    name = "compagnon.site"
    label = "site"
