"""Template helpers for GOV.UK Frontend form markup, shared by the catalogue and bookings forms."""

from django import template

register = template.Library()


@register.filter
def field_anchor(field) -> str:
    """The id an error summary links to: choice fields have no id of their own, so their first option."""
    return field.id_for_label or f"{field.auto_id}_0"


@register.filter
def is_choice_group(field) -> bool:
    return field.widget_type in {"checkboxselectmultiple", "radioselect"}


@register.filter
def input_type(field) -> str:
    return getattr(field.field.widget, "input_type", "text")
