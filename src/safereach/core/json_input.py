"""JSON typed or sent by people: parsed with a limit on how deeply it nests, so a body nested
100,000 deep is a clear error rather than a RecursionError (an answer of 500)."""

import json

from django import forms

MAX_DEPTH = 64


class TooDeep(ValueError):
    pass


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest in `text`, counted without parsing (brackets inside
    strings do not count)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def loads(text: str | bytes, max_depth: int = MAX_DEPTH):
    """json.loads, refusing (TooDeep, a ValueError) anything nested more than `max_depth` deep."""
    if isinstance(text, bytes | bytearray):
        text = text.decode("utf-8")
    if nesting_depth(text) > max_depth:
        raise TooDeep(f"The JSON nests more than {max_depth} levels deep")
    try:
        return json.loads(text)
    except RecursionError:  # a limit below max_depth on a small stack
        raise TooDeep(f"The JSON nests more than {max_depth} levels deep") from None


class JSONFormField(forms.JSONField):
    """Django's JSON form field (the admin's, for JSON columns) with the depth limit."""

    def to_python(self, value):
        if isinstance(value, str) and nesting_depth(value) > MAX_DEPTH:
            raise forms.ValidationError(f"Enter JSON nested at most {MAX_DEPTH} levels deep", code="invalid")
        return super().to_python(value)

    def bound_data(self, data, initial):
        if isinstance(data, str) and nesting_depth(data) > MAX_DEPTH:
            return forms.fields.InvalidJSONInput(data)
        return super().bound_data(data, initial)
