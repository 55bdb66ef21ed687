from django.conf import settings
from django.core.checks import Warning, register


@register()
def front_end_packages_installed(app_configs, **kwargs):
    htmx = settings.NODE_MODULES / "htmx.org" / "dist" / "htmx.min.js"
    if not htmx.exists():
        return [
            Warning(
                "Front-end packages are not installed (node_modules/htmx.org is missing).",
                hint="Run `make setup` (or `npm ci`).",
                id="compagnon.W001",
            )
        ]
    return []
