"""Dates and times kept as ISO text (in plans and results stored as JSON) shown as SafeReach
writes them everywhere: Thu 28 Jan 2027, 09:30."""

from datetime import date

from django import template
from django.utils.dateformat import format as date_format

register = template.Library()


@register.filter
def day_text(value: str) -> str:
    """An ISO date as "Thu 28 Jan 2027"; anything else as it is."""
    try:
        return date_format(date.fromisoformat(value), "D j M Y")
    except (TypeError, ValueError):
        return value
