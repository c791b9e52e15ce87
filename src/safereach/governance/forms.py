from django import forms

from safereach.accounts.models import Agency, Role
from safereach.accounts.roles import OFFICIAL_SENSITIVE_ROLES
from safereach.core.forms import DayFirstDateInput
from safereach.evidence.models import Dataset
from safereach.governance.models import SharingAgreement

DATE = DayFirstDateInput()


def _date_errors(what: str) -> dict:
    return {"required": f"Enter the {what}", "invalid": f"Enter the {what} as a real date"}


class AgreementForm(forms.ModelForm):
    sensitive_roles = forms.MultipleChoiceField(
        label="Roles that may see OFFICIAL-SENSITIVE datasets", required=False,
        # Only roles that sign in in two steps (accounts.roles): an agreement cannot open
        # OFFICIAL-SENSITIVE data to someone a password alone lets in.
        choices=[(r, label) for r, label in Role.choices
                 if r in OFFICIAL_SENSITIVE_ROLES and r != Role.ADMINISTRATOR],
        widget=forms.CheckboxSelectMultiple,
        help_text="Staff of the parties holding one of these roles. None ticked: nobody but the provider.")

    class Meta:
        model = SharingAgreement
        fields = ["title", "provider", "parties", "purpose", "legal_basis", "datasets",
                  "sensitive_roles", "starts_on", "ends_on", "review_on"]
        labels = {"title": "Name of the agreement", "provider": "Agency whose data it is",
                  "parties": "Agencies it is shared with", "legal_basis": "Legal basis",
                  "datasets": "Datasets it covers", "starts_on": "Starts on",
                  "ends_on": "Ends on", "review_on": "Review by"}
        widgets = {"parties": forms.CheckboxSelectMultiple, "datasets": forms.CheckboxSelectMultiple,
                   "starts_on": DATE, "ends_on": DATE, "review_on": DATE}
        error_messages = {
            "title": {"required": "Enter the name of the agreement",
                      "max_length": "The name must be 200 characters or fewer",
                      "unique": "An agreement with this name already exists"},
            "provider": {"required": "Select the agency whose data it is"},
            "parties": {"required": "Select the agencies it is shared with"},
            "purpose": {"required": "Enter what the data is shared for"},
            "legal_basis": {"required": "Select the legal basis"},
            "starts_on": _date_errors("day it starts"),
            "ends_on": _date_errors("day it ends"),
            "review_on": _date_errors("day it is to be reviewed by"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Agency.objects.order_by("name")
        self.fields["parties"].queryset = Agency.objects.order_by("name")
        self.fields["datasets"].queryset = Dataset.objects.order_by("kind", "name")
        self.fields["datasets"].required = False
        self.fields["purpose"].max_length = 5000

    def clean(self):
        cleaned = super().clean()
        starts, ends, review = cleaned.get("starts_on"), cleaned.get("ends_on"), cleaned.get("review_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The day it ends must be the same as or after the day it starts")
        if starts and review and review < starts:
            self.add_error("review_on", "The review must be on or after the day it starts")
        if len(cleaned.get("purpose") or "") > 5000:
            self.add_error("purpose", "The purpose must be 5,000 characters or fewer")
        return cleaned

    def validate_constraints(self, exclude=None):
        pass  # clean() says it in words; the database constraint stays as a backstop


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need to see OFFICIAL-SENSITIVE data?", max_length=500,
        widget=forms.Textarea,
        help_text="For example, 'Planning visits for the MACE meeting on 3 December'. "
                  "It is kept in the audit log with each page and export you open in the next 30 minutes.",
        error_messages={"required": "Enter why you need to see this data",
                        "max_length": "The reason must be 500 characters or fewer"})

    def clean_reason(self):
        text = " ".join(self.cleaned_data["reason"].split())
        if len(text) < 10:
            raise forms.ValidationError(
                "Give a reason of at least 10 characters that someone else could check")
        return text


class AuditFilterForm(forms.Form):
    area = forms.ChoiceField(label="Kind of action", required=False)
    who = forms.CharField(label="Who (email or name contains)", required=False, max_length=200,
                          error_messages={"max_length": "Enter 200 characters or fewer"})
    since = forms.DateField(label="From", required=False, widget=DATE,
                            error_messages={"invalid": "Enter the first day as a real date"})
    until = forms.DateField(label="To", required=False, widget=DATE,
                            error_messages={"invalid": "Enter the last day as a real date"})

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "Any")] + list(areas)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("since") and cleaned.get("until") and cleaned["until"] < cleaned["since"]:
            self.add_error("until", "The last day must be the same as or after the first day")
        return cleaned
