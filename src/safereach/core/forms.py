"""Form fields that keep what people type within what the database can hold."""

from django import forms

# Largest id a 64-bit integer column holds: a longer number is no id of ours, and SQLite
# answers one with OverflowError (a 500) rather than "not found".
LARGEST_ID = 2**63 - 1


def as_id(value) -> int | None:
    """`value` (a form's or a URL's text) as an id; None for anything no id can be."""
    text = str(value if value is not None else "").strip()
    return int(text) if text.isdigit() and int(text) <= LARGEST_ID else None


def is_id(value) -> bool:
    return as_id(value) is not None


class ModelChoicesById(forms.ModelMultipleChoiceField):
    """ModelMultipleChoiceField that treats a number too big for any id as a choice not offered."""

    def _check_values(self, value):
        for pk in value:
            if not is_id(pk):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)


class IdConverter:
    """`<id:pk>` in a URL: a whole number that fits an id column (Django's `<int:...>` takes
    any length, and SQLite answers a 30-digit one with OverflowError, a 500, not 404)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


# Dates are typed day first, as people in the UK write them, in a plain text box: a browser's
# own date picker orders the date as the browser's language does (mm/dd/yyyy in American
# English), so no hint could say what it shows. ISO dates (2027-03-01) are read too.
DATE_EXAMPLE = "01/03/2027"


class DayFirstDateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})}, format="%d/%m/%Y")


def date_hint(field, help_text: str = "") -> str:
    """A date field's hint, which always gives the form the field shows (day first)."""
    help_text = str(help_text or "")
    if not isinstance(field, forms.DateField) or DATE_EXAMPLE in help_text:
        return help_text
    return f"{help_text} For example, {DATE_EXAMPLE}.".strip()
