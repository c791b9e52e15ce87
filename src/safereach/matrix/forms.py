from datetime import date

from django import forms
from django.utils import timezone

from safereach.matrix.compute import indicator_label
from safereach.matrix.indicators import OTHER, PHASE_GROUPS, PRIMARY, SECONDARY
from safereach.matrix.models import BacktestRun, Programme
from safereach.matrix.profiles import HORIZON_RANGE, RADIUS_RANGE, WEIGHT_RANGE, WINDOW_RANGE, Profile

SORTS = {
    "rank": ("rank", "Rank (most in need first)"),
    "name": ("school__name", "School name"),
    "score-low": ("-rank", "Rank (least in need first)"),
}


class TargetListFilter(forms.Form):
    """Filters of a target list, read from the query string."""

    q = forms.CharField(label="School name or URN", required=False, max_length=100,
                        error_messages={"max_length": "Enter a school name or URN of 100 characters "
                                                      "or fewer"})
    district = forms.ChoiceField(label="District", required=False)
    ward = forms.ChoiceField(label="Ward", required=False)
    phase = forms.ChoiceField(label="Phase", required=False,
                              choices=[("", "All phases")] + [(p, p.capitalize()) for p in PHASE_GROUPS])
    sort = forms.ChoiceField(label="Sort by", required=False,
                             choices=[(k, label) for k, (_, label) in SORTS.items()])
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data, *, districts, wards):
        super().__init__(data)
        self.fields["district"].choices = [("", "All districts")] + districts
        self.fields["ward"].choices = [("", "All wards")] + wards
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = (
                f"Choose a {field.label.lower()} from the list" if field.label else "Choose from the list")
        self.fields["page"].error_messages["min_value"] = "Page must be 1 or more"
        self.fields["page"].error_messages["invalid"] = "Page must be a whole number"

    def clean(self):
        # The page is a hidden field, which the error summary does not list: say it for the form.
        if "page" in self._errors:
            self.add_error(None, self._errors.pop("page"))
        return super().clean()


class BacktestForm(forms.Form):
    """What a back-test is asked for: the programme (among those the person may see), the
    month the list is built up to, and how many months after it to compare with."""

    programme = forms.ModelChoiceField(
        label="Programme", queryset=Programme.objects.none(), to_field_name="slug", empty_label=None,
        error_messages={"required": "Choose a programme",
                        "invalid_choice": "Choose a programme from the list"})
    until = forms.RegexField(label="Forecast from data up to (YYYY-MM)",
                             regex=r"^\d{4}-(0[1-9]|1[0-2])$",
                             error_messages={"invalid": "Enter a month as YYYY-MM, for example 2018-12",
                                             "required": "Enter the month to build the list up to"})
    horizon = forms.IntegerField(
        label="Months to look ahead", min_value=1, max_value=BacktestRun.MAX_HORIZON,
        error_messages={"invalid": "Months to look ahead must be a whole number",
                        "required": "Enter how many months to look ahead",
                        "min_value": "Look ahead at least 1 month",
                        "max_value": f"Look ahead at most {BacktestRun.MAX_HORIZON} months"})

    origins = forms.IntegerField(
        label="How many months to forecast from", min_value=1, max_value=BacktestRun.MAX_ORIGINS,
        help_text="Each forecast starts from a month with data, the latest on or before the month "
                  "above; the figures are averaged over them.",
        error_messages={"invalid": "How many months to forecast from must be a whole number",
                        "required": "Enter how many months to forecast from",
                        "min_value": "Forecast from at least 1 month",
                        "max_value": f"Forecast from at most {BacktestRun.MAX_ORIGINS} months"})

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes

    def clean_until(self) -> date:
        """The month as its first day."""
        year, month = map(int, self.cleaned_data["until"].split("-"))
        if year < 1:
            raise forms.ValidationError("Enter a real month, for example 2018-12")
        first = date(year, month, 1)
        if first >= timezone.localdate().replace(day=1):
            # Nothing has happened yet after this month or a later one: nothing to compare with.
            raise forms.ValidationError("The month must be before this one")
        return first


def _number_errors(what: str, low, high, *, whole: bool = False) -> dict:
    """The same plain words for every way a number can be wrong."""
    kind = "a whole number" if whole else "a number"
    text = f"Enter {what} as {kind} from {low:,} to {high:,}"
    return {"required": text, "invalid": text, "min_value": text, "max_value": text,
            "max_decimal_places": text, "max_digits": text}


class ProfileNumbersForm(forms.Form):
    """The numbers of a programme's profile, one field each: every indicator's weight, the
    radius per phase, the window and (with a forecast) how far it looks ahead, and need's share
    of the score. The indicators themselves stay as they are; out-of-range numbers are refused
    beside their field and nothing is saved."""

    RADIUS_FIELDS = {PRIMARY: "radius_primary", SECONDARY: "radius_secondary", OTHER: "radius_other"}

    def __init__(self, data=None, *, profile: dict):
        super().__init__(data)
        self.profile = profile
        parsed = Profile.from_json(profile)
        low, high = WEIGHT_RANGE
        self.weight_fields = []
        for k, indicator in enumerate(parsed.indicators):
            name = f"weight_{k}"
            label = indicator_label(indicator)
            self.fields[name] = forms.FloatField(
                label=f"Weight of {label}", min_value=low, max_value=high,
                help_text=f"From {low} to {high}; 0 leaves it out of the score.",
                initial=_plain(indicator.weight),
                error_messages=_number_errors(f"the weight of {label}", low, high))
            self.weight_fields.append(name)
        low, high = RADIUS_RANGE
        for phase, name in self.RADIUS_FIELDS.items():
            self.fields[name] = forms.IntegerField(
                label=f"Radius around {phase} schools, in metres", min_value=low, max_value=high,
                initial=int(parsed.radius_m[phase]),
                error_messages=_number_errors(f"the radius around {phase} schools in metres", low, high,
                                              whole=True))
        low, high = WINDOW_RANGE
        self.fields["window_months"] = forms.IntegerField(
            label="Months of incidents counted", min_value=low, max_value=high,
            initial=parsed.window_months,
            error_messages=_number_errors("the months of incidents counted", low, high, whole=True))
        if any(i.kind == "forecast" for i in parsed.indicators):
            low, high = HORIZON_RANGE
            self.fields["horizon_months"] = forms.IntegerField(
                label="Months ahead the forecast looks", min_value=low, max_value=high,
                initial=parsed.horizon_months,
                error_messages=_number_errors("the months ahead the forecast looks", low, high,
                                              whole=True))
        self.fields["need_percent"] = forms.IntegerField(
            label="Need's share of the score, in per cent", min_value=0, max_value=100, required=False,
            help_text="0 ranks by risk alone, 100 by need alone. Leave it empty to share the score "
                      "as the weights do.",
            initial=None if parsed.need_weight is None else round(parsed.need_weight * 100),
            error_messages=_number_errors("need's share of the score in per cent", 0, 100, whole=True))
        self.fields["note"] = forms.CharField(
            label="What changed and why", max_length=300,
            error_messages={"required": "Say what changed and why, for the history",
                            "max_length": "Say what changed in 300 characters or fewer"})

    def weight_rows(self):
        return [self[name] for name in self.weight_fields]

    def setting_rows(self):
        return [self[name] for name in self.fields if name not in self.weight_fields and name != "note"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        profile = dict(self.profile)
        profile["indicators"] = [
            {**raw, "weight": _plain(data[name])}
            for raw, name in zip(self.profile["indicators"], self.weight_fields)]
        profile["radius_m"] = {phase: data[name] for phase, name in self.RADIUS_FIELDS.items()}
        profile["window_months"] = data["window_months"]
        if "horizon_months" in data:
            profile["horizon_months"] = data["horizon_months"]
        if data.get("need_percent") is None:
            profile.pop("need_weight", None)
        else:
            profile["need_weight"] = data["need_percent"] / 100
        try:
            Profile.from_json(profile)
        except ValueError as error:
            # What no single field can say, such as every weight being 0.
            raise forms.ValidationError(str(error)) from None
        data["profile"] = profile
        return data


def _plain(x: float):
    """3.0 → 3, so a weight reads as it was typed."""
    return int(x) if float(x).is_integer() else x


class ProfileForm(forms.Form):
    """A programme's profile as JSON: which indicators count, and every number, in one place."""

    profile = forms.CharField(label="Profile (JSON)", widget=forms.Textarea(attrs={"rows": 24}),
                              max_length=50_000,
                              error_messages={"required": "Enter the profile",
                                              "max_length": "A profile must be 50,000 characters "
                                                            "or fewer"})
    note = forms.CharField(label="What changed and why", max_length=300,
                           error_messages={"required": "Say what changed and why, for the history",
                                           "max_length": "Say what changed in 300 characters or fewer"})

    def clean_profile(self):
        import json

        from safereach.matrix.profiles import Profile

        try:
            data = json.loads(self.cleaned_data["profile"])
        except json.JSONDecodeError as error:
            raise forms.ValidationError(f"The profile is not valid JSON: {error.msg} on line "
                                        f"{error.lineno}") from None
        try:
            Profile.from_json(data)
        except (ValueError, TypeError, AttributeError) as error:
            raise forms.ValidationError(str(error)) from None
        return data
