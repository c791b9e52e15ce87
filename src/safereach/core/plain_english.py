"""Django's own error messages in plain English, for every form at once.

Django's defaults read like "Ensure this value has at most 200 characters (it has 5025)." and
"This field is required.". A form that says something better for a field keeps its own words
(`error_messages=`); every other field, in every app, says these. They are set on Django's
validators and fields themselves, so they must be in place before any form class is declared:
`speak_plainly()` runs when the core app's configuration is loaded, before any models or forms
are imported.
"""

from django import forms
from django.core import validators
from django.db import models

from safereach.core.forms import DATE_EXAMPLE

# Messages take %(limit_value)s and %(show_value)s as Django's do.
VALIDATORS = {
    validators.MaxLengthValidator: "Enter %(limit_value)d characters or fewer (you entered %(show_value)d)",
    validators.MinLengthValidator: "Enter at least %(limit_value)d characters (you entered %(show_value)d)",
    validators.MaxValueValidator: "Enter a number no bigger than %(limit_value)s",
    validators.MinValueValidator: "Enter a number no smaller than %(limit_value)s",
    validators.StepValueValidator: "Enter a number in steps of %(limit_value)s",
    validators.EmailValidator: "Enter an email address in the correct format, like name@example.org",
    validators.URLValidator: "Enter a web address in the correct format, like https://www.example.org",
    validators.ProhibitNullCharactersValidator: "Take out the hidden character (a null) from what you typed",
}

FIELDS = {
    forms.Field: {"required": "Enter an answer"},
    forms.IntegerField: {"invalid": "Enter a whole number, like 28"},
    forms.FloatField: {"invalid": "Enter a number, like 2.5"},
    forms.DecimalField: {"invalid": "Enter a number, like 2.5"},
    forms.DateField: {"invalid": f"Enter a real date, like {DATE_EXAMPLE}"},
    forms.TimeField: {"invalid": "Enter a time, like 9:30"},
    forms.DateTimeField: {"invalid": f"Enter a real date and time, like {DATE_EXAMPLE} 9:30"},
    forms.ChoiceField: {
        "required": "Select an option",
        "invalid_choice": "Select an option from the list",
    },
    forms.MultipleChoiceField: {
        "required": "Select at least one option",
        "invalid_choice": "Select options from the list",
        "invalid_list": "Select options from the list",
    },
    forms.ModelChoiceField: {"invalid_choice": "Select an option from the list"},
    forms.ModelMultipleChoiceField: {
        "invalid_choice": "Select options from the list",
        "invalid_pk_value": "Select options from the list",
        "invalid_list": "Select options from the list",
    },
    forms.BooleanField: {"required": "Tick the box to go on"},
    forms.FileField: {
        "required": "Choose a file",
        "invalid": "Choose a file to upload",
        "missing": "Choose a file to upload",
        "empty": "The file you chose is empty",
    },
    forms.JSONField: {"invalid": "Enter valid JSON"},
    forms.URLField: {"invalid": "Enter a web address in the correct format, like https://www.example.org"},
    forms.EmailField: {"invalid": "Enter an email address in the correct format, like name@example.org"},
    models.Field: {
        "blank": "Enter an answer",
        "null": "Enter an answer",
        "invalid_choice": "Select an option from the list",
        "unique": "There is already a %(model_name)s with this %(field_label)s",
    },
}

# DecimalValidator's several messages, and the decimal field's.
DECIMAL = {
    "invalid": "Enter a number, like 2.5",
    "max_digits": "Enter a number with %(max)s digits or fewer",
    "max_decimal_places": "Enter a number with %(max)s decimal places or fewer",
    "max_whole_digits": "Enter a number with %(max)s digits or fewer before the decimal point",
}


def speak_plainly() -> None:
    for validator, message in VALIDATORS.items():
        validator.message = message
    for field, messages in FIELDS.items():
        field.default_error_messages = {**field.default_error_messages, **messages}
    validators.DecimalValidator.messages = {**validators.DecimalValidator.messages, **DECIMAL}
    # A model form's fields take their email and web address checks from these instances.
    validators.validate_email.message = VALIDATORS[validators.EmailValidator]
