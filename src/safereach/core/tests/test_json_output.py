"""JSON answers written by orjson read back as Django's own encoder would have written them."""

import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import numpy as np
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.functional import lazy

from safereach.core.json_output import json_response


def test_the_same_json_as_django_writes():
    data = {
        "text": "fewer than 5 — «quoted»",
        "n": 12,
        "x": 0.1,
        "none": None,
        "day": date(2027, 3, 1),
        "when": datetime(2027, 3, 1, 9, 30, 5, 123456, tzinfo=UTC),
        "money": Decimal("2.50"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "label": lazy(lambda: "All crime", str)(),
        "nested": [{"a": [1, 2, {"b": True}]}],
    }
    response = json_response(data)
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def test_numpy_numbers_and_a_status():
    response = json_response({"counts": np.array([1, 2, 3]), "top": np.int64(3)}, status=400)
    assert response.status_code == 400
    assert json.loads(response.content) == {"counts": [1, 2, 3], "top": 3}
