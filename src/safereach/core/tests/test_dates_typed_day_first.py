"""Every date box shows a date the way its hint writes one (day first, 01/03/2027), in any
browser: a plain text box, not the browser's picker, whose order follows the browser's language."""

import re
from datetime import date

from django import forms
from django.template.loader import render_to_string

from safereach.core.forms import DATE_EXAMPLE, DayFirstDateInput, date_hint


def rendered(field) -> str:
    return render_to_string("govuk/field.html", {"field": field})


def every_form_class():
    import importlib
    import pkgutil

    import safereach

    for module in pkgutil.walk_packages(safereach.__path__, "safereach."):
        if module.name.rsplit(".", 1)[-1] in ("forms", "views"):
            importlib.import_module(module.name)
    found, todo = set(), [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return [f for f in found if f.__module__.startswith("safereach.") and ".tests" not in f.__module__]


def test_every_date_field_is_a_day_first_text_box_whose_hint_gives_the_example():
    seen = []
    for form in every_form_class():
        for name, field in getattr(form, "base_fields", {}).items():
            if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
                seen.append(f"{form.__name__}.{name}")
                assert isinstance(field.widget, DayFirstDateInput), seen[-1]
                assert DATE_EXAMPLE in date_hint(field, field.help_text), seen[-1]
    # The booking, leave, plan, agreement, audit and register forms' dates at least.
    assert len(seen) >= 12, seen


def test_a_date_given_is_shown_day_first_and_read_back_the_same():
    class F(forms.Form):
        day = forms.DateField(widget=DayFirstDateInput())

    html = rendered(F(initial={"day": date(2027, 3, 1)})["day"])
    assert re.search(r'value="01/03/2027"', html) and 'type="text"' in html
    assert f"For example, {DATE_EXAMPLE}." in html, "the hint, though the field gave none"
    form = F({"day": "01/03/2027"})
    assert form.is_valid() and form.cleaned_data["day"] == date(2027, 3, 1)
    assert F({"day": "2027-03-01"}).is_valid(), "what a script or an older link sends"
    typed = F({"day": "31/02/2027"})
    assert not typed.is_valid() and 'value="31/02/2027"' in rendered(typed["day"]), "kept as typed"

