"""JSON answers written by orjson. A county's map layer is a megabyte of GeoJSON, which the
standard library's encoder takes several times longer to write; the answer is the same JSON."""

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

_django = DjangoJSONEncoder()
_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_PASSTHROUGH_DATETIME


def _default(value):
    # What orjson does not know itself (Decimal, lazy text) and dates and times, written as
    # Django writes them (to the millisecond, UTC as Z).
    return _django.default(value)


def json_response(data, status: int = 200) -> HttpResponse:
    return HttpResponse(
        orjson.dumps(data, default=_default, option=_OPTIONS),
        status=status,
        content_type="application/json",
    )
