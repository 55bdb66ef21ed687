from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """mapping[key], or None: the ranked people of one case in a queue row."""
    return mapping.get(key) if hasattr(mapping, "get") else None
