"""What the API holds on a person, for their data export (`accounts.privacy`).

A personal access token's metadata (name, prefix, scopes, dates) is in the export; its hash
never is: it is a credential, not information about the person, and a hash of a secret
is no one's to carry around in a zip.
"""

from __future__ import annotations

from typing import Any

from compagnon.api.models import ApiToken


def _when(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def api_tokens_export(person, user) -> dict[str, list[dict[str, Any]]]:
    if user is None:
        return {}
    return {
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "scopes": ", ".join(t.scopes or []),
                "created_at": _when(t.created_at),
                "expires_at": _when(t.expires_at),
                "last_used_at": _when(t.last_used_at),
                "revoked_at": _when(t.revoked_at),
            }
            for t in ApiToken.objects.filter(user=user).order_by("created_at", "pk")
        ]
    }
