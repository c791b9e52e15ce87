"""JSON typed or sent by people: parsed with a limit on how deeply it nests, so a body nested
100,000 deep is a clear error rather than a RecursionError (an answer of 500)."""

import json
import re

from django import forms

MAX_DEPTH = 64


class TooDeep(ValueError):
    pass


# Strings (whose brackets do not count) and brackets: one regex pass, quick on large files.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def too_deep_at(text: str, limit: int) -> int | None:
    """Where (an offset into `text`) arrays and objects first nest more than `limit` deep, or
    None when they never do. Counted without parsing: Python's parser would give up with a
    RecursionError on a body nested 100,000 deep."""
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return match.start()
        elif token in "]}":
            depth -= 1
    return None


def loads(text: str | bytes, max_depth: int = MAX_DEPTH):
    """json.loads, refusing (TooDeep, a ValueError) anything nested more than `max_depth` deep."""
    if isinstance(text, bytes | bytearray):
        text = text.decode("utf-8")
    if too_deep_at(text, max_depth) is not None:
        raise TooDeep(f"The JSON nests more than {max_depth} levels deep")
    try:
        return json.loads(text)
    except RecursionError:  # a limit below max_depth on a small stack
        raise TooDeep(f"The JSON nests more than {max_depth} levels deep") from None


class JSONFormField(forms.JSONField):
    """Django's JSON form field (the admin's, for JSON columns) with the depth limit."""

    def to_python(self, value):
        if isinstance(value, str) and too_deep_at(value, MAX_DEPTH) is not None:
            raise forms.ValidationError(f"Enter JSON nested at most {MAX_DEPTH} levels deep", code="invalid")
        return super().to_python(value)

    def bound_data(self, data, initial):
        if isinstance(data, str) and too_deep_at(data, MAX_DEPTH) is not None:
            return forms.fields.InvalidJSONInput(data)
        return super().bound_data(data, initial)
