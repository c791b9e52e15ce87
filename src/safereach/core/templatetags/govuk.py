"""Template helpers for GOV.UK Frontend form markup, shared by the catalogue and bookings forms."""

from django import template

from safereach.core.forms import date_hint

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


@register.filter
def hint(field) -> str:
    """The hint under a field: its help text, and for a date the form to type it in."""
    return date_hint(field.field, field.help_text)


@register.filter
def shown_value(field) -> str:
    """What a text box shows: what was typed, or the initial value as the widget writes it
    (a date day first, as its hint says)."""
    value = field.field.widget.format_value(field.value())
    return "" if value is None else value
