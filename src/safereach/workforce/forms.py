from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from safereach.catalogue.models import Session
from safereach.core import dates
from safereach.core.forms import DayFirstDateInput
from safereach.workforce.models import Leave, Officer

WEEKDAYS = [("1", "Monday"), ("2", "Tuesday"), ("3", "Wednesday"), ("4", "Thursday"), ("5", "Friday")]


class HoursField(forms.TimeField):
    def to_python(self, value):
        return super().to_python(value.strip().replace(".", ":") if isinstance(value, str) else value)


class OfficerForm(forms.ModelForm):
    """What a coordinator keeps up to date: the officer's sessions, days and hours."""

    working_days = forms.MultipleChoiceField(
        label="Days worked",
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the days the officer works"},
    )
    day_starts = HoursField(
        label="Working day starts",
        help_text="For example, 8:30.",
        error_messages={
            "required": "Enter when the working day starts",
            "invalid": "Enter the start time like 8:30",
        },
    )
    day_ends = HoursField(
        label="Working day ends",
        help_text="For example, 16:30.",
        error_messages={
            "required": "Enter when the working day ends",
            "invalid": "Enter the end time like 16:30",
        },
    )
    own_calendar_url = forms.CharField(
        label="Their own calendar's address (optional)",
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "url", "inputmode": "url"}),
        help_text="In Outlook: Settings, Calendar, Shared calendars, Publish a calendar (\"Can view when "
        "I'm busy\"), then copy the ICS link. Busy times there are never offered to schools.",
        error_messages={"max_length": "The calendar's address must be 2,000 characters or fewer"},
    )
    sessions = forms.ModelMultipleChoiceField(
        label="Sessions they can deliver",
        queryset=Session.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Officer
        fields = ["sessions", "working_days", "day_starts", "day_ends", "max_visits_per_day",
                  "own_calendar_url"]
        labels = {"max_visits_per_day": "Visits a day, at most"}
        error_messages = {
            "max_visits_per_day": {
                "required": "Enter the most visits a day",
                "invalid": "Enter the most visits a day as a whole number",
            }
        }

    def clean_own_calendar_url(self):
        url = self.cleaned_data["own_calendar_url"].strip()
        if url.startswith("webcal://"):  # what Outlook and Apple give; served over https
            url = "https://" + url.removeprefix("webcal://")
        if not url:
            return url
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as exc:
            raise ValidationError(
                "Enter the calendar's address as a web address, like "
                "https://outlook.office365.com/owa/calendar/…/calendar.ics"
            ) from exc
        return url

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sessions"].queryset = Session.objects.filter(partner=self.instance.agency_id)
        self.initial["working_days"] = list(self.instance.working_days)
        for name in ("day_starts", "day_ends"):
            value = getattr(self.instance, name)
            if value and not isinstance(value, str):
                self.initial[name] = f"{value:%H:%M}"

    def clean_working_days(self):
        return "".join(sorted(self.cleaned_data["working_days"]))

    def clean_max_visits_per_day(self):
        most = self.cleaned_data["max_visits_per_day"]
        if not 1 <= most <= 8:
            raise forms.ValidationError("Visits a day must be between 1 and 8")
        return most

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("day_starts")
            and cleaned.get("day_ends")
            and cleaned["day_ends"] <= cleaned["day_starts"]
        ):
            self.add_error("day_ends", "The working day must end after it starts")
        return cleaned


class LeaveForm(forms.ModelForm):
    class Meta:
        model = Leave
        fields = ["starts_on", "ends_on", "reason"]
        labels = {"starts_on": "First day away", "ends_on": "Last day away", "reason": "Reason (optional)"}
        widgets = {
            "starts_on": DayFirstDateInput(),
            "ends_on": DayFirstDateInput(),
        }
        error_messages = {
            "starts_on": {
                "required": "Enter the first day away",
                "invalid": "Enter the first day as a real date",
            },
            "ends_on": {
                "required": "Enter the last day away",
                "invalid": "Enter the last day as a real date",
            },
        }

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        for name, what in (("starts_on", "the first day away"), ("ends_on", "the last day away")):
            problem = cleaned.get(name) and dates.out_of_range(cleaned[name], today, what)
            if problem:
                self.add_error(name, problem)
        if "starts_on" in self.errors or "ends_on" in self.errors:
            return cleaned
        if cleaned.get("starts_on") and cleaned.get("ends_on") and cleaned["ends_on"] < cleaned["starts_on"]:
            self.add_error("ends_on", "The last day must be the same as or after the first day")
        return cleaned

    def validate_constraints(self, exclude=None):
        pass  # clean() says it in the user's words; the database constraint stays as a backstop
