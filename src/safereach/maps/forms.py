"""The questions the map and the map pack ask, read from the query string or the form."""

import re
from datetime import date

from django import forms
from django.utils import timezone

from safereach.maps import counts
from safereach.maps.layers import DEFAULT_LAYERS, LAYER_TITLES, add_months, month_span
from safereach.maps.map_areas import UnknownArea, map_area
from safereach.maps.proximity import DEFAULT_DISTANCE_M, DISTANCES_M

MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
LONGEST_SPAN = 36  # months: a longer range would mix years of changed recording
LEVELS = [("", "One level below the area"), ("district", "Districts"), ("ward", "Wards"), ("lsoa", "LSOAs")]


def parse_month(text: str) -> date | None:
    match = MONTH.match(text or "")
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1900:
        return None
    return date(int(match[1]), int(match[2]), 1)


class MonthField(forms.Field):
    widget = forms.TextInput

    def __init__(self, *, what: str, **kwargs):
        self.what = what
        super().__init__(**kwargs)

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        month = parse_month(value)
        if month is None:
            raise forms.ValidationError(f"Enter the {self.what} as a year and month, for example 2024-03")
        this_month = timezone.localdate().replace(day=1)
        if month > this_month:
            # Nothing has happened yet then (and arithmetic on year 9999 would overflow).
            raise forms.ValidationError(f"The {self.what} must be {this_month:%Y-%m} or before")
        return month


class AreaField(forms.Field):
    def to_python(self, value):
        value = (value or "").strip()
        try:
            return map_area(value)
        except UnknownArea as error:
            raise forms.ValidationError(f"{error}: choose an area from the list") from None


class MapForm(forms.Form):
    """What the map shows: the area, the months, the incidents, the programme and the layers."""

    area = AreaField(label="Area", required=False)
    start = MonthField(label="From (YYYY-MM)", what="first month", required=False)
    end = MonthField(label="To (YYYY-MM)", what="last month", required=False)
    category = forms.ChoiceField(label="Incidents", required=False)
    programme = forms.ChoiceField(label="Schools coloured for", required=False)
    level = forms.ChoiceField(label="Deprivation and rates by", required=False, choices=LEVELS)
    layers = forms.MultipleChoiceField(
        label="Layers",
        required=False,
        choices=list(LAYER_TITLES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    distance = forms.TypedChoiceField(
        label="Distance from a hot spot",
        required=False,
        coerce=int,
        choices=[(d, f"{d:,} m") for d in DISTANCES_M],
        empty_value=DEFAULT_DISTANCE_M,
    )

    def __init__(self, data, *, programmes, months: list[date], without=()):
        super().__init__(data)
        self.months = months
        self.fields["category"].choices = [(c.value, c.label) for c in counts.categories(without)]
        self.fields["programme"].choices = [(p.slug, p.name) for p in programmes] or [("", "No programme")]
        self.fields["area"].widget = forms.Select(choices=[])
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = f"Choose {field.label.lower()} from the list"
        self.fields["layers"].error_messages["invalid_choice"] = "Choose layers from the list"

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        last_known = self.months[-1] if self.months else date.today().replace(day=1)
        end = data.get("end") or last_known
        start = data.get("start") or add_months(end, -2)
        if start > end:
            self.add_error("start", "The first month must be the same as or before the last month")
        elif month_span(start, end) > LONGEST_SPAN:
            self.add_error("start", f"Choose at most {LONGEST_SPAN} months")
        data["start"], data["end"] = start, end
        data["area"] = data.get("area") or map_area("")
        data["layers"] = data.get("layers") or ([] if self.data.get("chosen") else list(DEFAULT_LAYERS))
        data["category"] = counts.Category.parse(data.get("category") or "")
        data["distance"] = data.get("distance") or DEFAULT_DISTANCE_M
        return data


class MapPackForm(forms.Form):
    area = forms.ChoiceField(
        label="Area",
        error_messages={
            "required": "Choose the area of the map pack",
            "invalid_choice": "Choose an area from the list",
        },
    )
    month = MonthField(
        label="Month (YYYY-MM)",
        what="month of the meeting",
        error_messages={"required": "Enter the month the map pack is for, for example 2024-03"},
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(code or "county", name) for code, name in areas]
