"""JSON from people is parsed with a limit on nesting: a body nested 100,000 deep is a clear
error, not a RecursionError."""

import pytest
from django import forms

from safereach.core import json_input

DEEP = "[" * 100_000 + "]" * 100_000


def test_deep_json_is_refused_with_a_reason():
    with pytest.raises(json_input.TooDeep, match="nests more than 64 levels"):
        json_input.loads(DEEP)


def test_brackets_inside_strings_do_not_count_and_ordinary_json_parses():
    assert json_input.loads('{"a": "[[[[[[", "b": [1, [2, {"c": "\\"]]"}]]}') == {
        "a": "[[[[[[", "b": [1, [2, {"c": '"]]'}]]
    }
    assert json_input.too_deep_at("[[[]]]", 3) is None
    assert json_input.too_deep_at('{"x": "[", "y": [[[]]]}', 3) == 18  # the object, then the third "["


def test_the_admin_json_field_refuses_deep_json_as_a_form_error():
    class Form(forms.Form):
        data = json_input.JSONFormField()

    form = Form({"data": DEEP})
    assert not form.is_valid()
    assert "nested at most 64 levels" in form.errors["data"][0]
