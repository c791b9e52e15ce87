from datetime import date

from django import forms
from django.utils import timezone

from safereach.matrix.indicators import PHASE_GROUPS
from safereach.matrix.models import BacktestRun, Programme

SORTS = {
    "rank": ("rank", "Rank (most in need first)"),
    "name": ("school__name", "School name"),
    "score-low": ("-rank", "Rank (least in need first)"),
}


class TargetListFilter(forms.Form):
    """Filters of a target list, read from the query string."""

    q = forms.CharField(label="School name or URN", required=False, max_length=100)
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


class ProfileForm(forms.Form):
    """A programme's profile as JSON: weights, radius, window and phases in one place."""

    profile = forms.CharField(label="Profile (JSON)", widget=forms.Textarea(attrs={"rows": 24}),
                              error_messages={"required": "Enter the profile"})
    note = forms.CharField(label="What changed and why", max_length=300,
                           error_messages={"required": "Say what changed and why, for the history"})

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
