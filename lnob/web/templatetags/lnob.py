from typing import Any

from django import template

register = template.Library()


@register.filter
def model_name(entry: Any) -> str:
    """The translated verbose name of a log entry's model."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    return str(model._meta.verbose_name) if model else ""
