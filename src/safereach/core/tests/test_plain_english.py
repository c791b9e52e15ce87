"""Every form speaks plain English when it has no words of its own for an error: Django's
defaults ("Ensure this value has at most 200 characters (it has 5025).", "This field is
required.") never reach a page."""

from django import forms

from safereach.bookings.forms import CancelForm


class AnyForm(forms.Form):
    """A form with no error messages of its own, as any app might write."""

    name = forms.CharField(max_length=200)
    code = forms.CharField(min_length=3, required=False)
    pupils = forms.IntegerField(min_value=1, max_value=500, required=False)
    weight = forms.DecimalField(max_digits=4, decimal_places=1, required=False)
    email = forms.EmailField(required=False)
    website = forms.URLField(required=False, assume_scheme="https")
    day = forms.DateField(required=False)
    kind = forms.ChoiceField(choices=[("a", "A")], required=False)


def errors(data):
    form = AnyForm(data)
    assert not form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


def test_django_s_own_words_are_replaced():
    found = errors(
        {
            "name": "x" * 5025,
            "code": "ab",
            "pupils": "0",
            "weight": "12345.678",
            "email": "not an address",
            "website": "nowhere",
            "day": "31 February",
            "kind": "z",
        }
    )
    assert found == {
        "name": ["Enter 200 characters or fewer (you entered 5025)"],
        "code": ["Enter at least 3 characters (you entered 2)"],
        "pupils": ["Enter a number no smaller than 1"],
        "weight": ["Enter a number with 4 digits or fewer"],
        "email": ["Enter an email address in the correct format, like name@example.org"],
        "website": ["Enter a web address in the correct format, like https://www.example.org"],
        "day": ["Enter a real date, like 01/03/2027"],
        "kind": ["Select an option from the list"],
    }
    assert errors({"name": "", "pupils": "600"}) == {
        "name": ["Enter an answer"],
        "pupils": ["Enter a number no bigger than 500"],
    }
    assert errors({"name": "ok", "pupils": "many"}) == {"pupils": ["Enter a whole number, like 28"]}


def test_a_form_s_own_words_still_win():
    own_words = forms.CharField(error_messages={"required": "Enter your school's name"})
    form = type("F", (forms.Form,), {"q": own_words})({})
    assert form.errors["q"] == ["Enter your school's name"]


def test_the_cancellation_reason_says_its_limit_plainly():
    form = CancelForm({"reason": "x" * 5025})
    assert form.errors["reason"] == ["Enter 500 characters or fewer (you entered 5025)"]


def test_the_examples_the_messages_give_are_accepted():
    # Day first, as a UK browser's date picker shows it and as the hints write it.
    assert forms.DateField().clean("01/03/2027").isoformat() == "2027-03-01"
    assert forms.DateField().clean("2027-03-01").isoformat() == "2027-03-01"  # what the picker sends
    assert forms.DateTimeField().clean("01/03/2027 9:30").strftime("%Y-%m-%d %H:%M") == "2027-03-01 09:30"
    assert forms.IntegerField().clean("28") == 28
