from django.conf import settings
from django.core.checks import Warning, register


@register()
def front_end_packages_installed(app_configs, **kwargs):
    """htmx from node_modules (development) or already collected into STATIC_ROOT (the
    container image, which leaves node_modules in its builder stage)."""
    installed = settings.NODE_MODULES / "htmx.org" / "dist" / "htmx.min.js"
    collected = settings.STATIC_ROOT / "vendor" / "htmx" / "htmx.min.js"
    if not installed.exists() and not collected.exists():
        return [
            Warning(
                "Front-end packages are not installed (node_modules/htmx.org is missing).",
                hint="Run `make setup` (or `npm ci`).",
                id="compagnon.W001",
            )
        ]
    return []
