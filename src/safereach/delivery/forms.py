import re

from django import forms

from safereach.catalogue.models import YEAR_LABEL
from safereach.delivery.models import MOST_PUPILS_IN_A_YEAR_GROUP, VisitOutcome

WHOLE_NUMBER = re.compile(r"-?[0-9]+")


def count_field_name(year: int) -> str:
    return f"pupils_{year}"


class OutcomeForm(forms.Form):
    """The outcome of a visit on one page. Counts are asked only of the visit's year groups,
    and read only when the session was delivered."""

    delivered = forms.ChoiceField(
        label="Was the session delivered?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select yes if the session was delivered",
            "invalid_choice": "Select yes if the session was delivered",
        },
    )
    reason = forms.ChoiceField(
        label="Why was it not delivered?",
        choices=VisitOutcome.Reason.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select why the session was not delivered"},
    )
    reason_other = forms.CharField(
        label="If it was another reason, what happened?",
        max_length=300,
        required=False,
        error_messages={"max_length": "What happened must be 300 characters or fewer"},
    )
    school_feedback = forms.CharField(
        label="Feedback from the school (optional)",
        help_text="What the teacher or school said about the session.",
        widget=forms.Textarea,
        max_length=5000,
        required=False,
        error_messages={"max_length": "Feedback from the school must be 5,000 characters or fewer"},
    )
    officer_notes = forms.CharField(
        label="Officer's notes (optional)",
        help_text="Anything to remember for the next visit to this school.",
        widget=forms.Textarea,
        max_length=5000,
        required=False,
        error_messages={"max_length": "Officer's notes must be 5,000 characters or fewer"},
    )

    def __init__(self, *args, year_groups: list[int], most_pupils: int | None = None, **kwargs):
        """`most_pupils`: the most one visit can reach (the session's group at most)."""
        super().__init__(*args, **kwargs)
        self.year_groups = year_groups
        self.most_pupils = most_pupils
        # Text, not IntegerField: what was typed comes back as typed, and a count is only
        # checked when the session was delivered.
        for year in year_groups:
            self.fields[count_field_name(year)] = forms.CharField(label=YEAR_LABEL[year], required=False)
        # The counts sit under "Yes" on the page, so the error summary lists them there too.
        self.order_fields(["delivered", *(count_field_name(y) for y in year_groups)])

    @classmethod
    def initial_from(cls, outcome: VisitOutcome | None) -> dict:
        if outcome is None:
            return {}
        initial = {
            "delivered": "yes" if outcome.delivered else "no",
            "reason": outcome.reason,
            "reason_other": outcome.reason_other,
            "school_feedback": outcome.school_feedback,
            "officer_notes": outcome.officer_notes,
        }
        for year, label in YEAR_LABEL.items():
            if label in outcome.pupils_by_year_group:
                initial[count_field_name(year)] = outcome.pupils_by_year_group[label]
        return initial

    def count_fields(self):
        return [self[count_field_name(year)] for year in self.year_groups]

    def _count(self, year: int) -> int | None:
        """The pupils typed for `year` (blank is none), or None after adding an error."""
        name, label = count_field_name(year), YEAR_LABEL[year]
        text = (self.cleaned_data.get(name) or "").strip().replace(",", "")
        if not text:
            return 0
        if not WHOLE_NUMBER.fullmatch(text):
            self.add_error(name, f"Enter the number of pupils in {label} as a whole number, like 28")
            return None
        if text.startswith("-"):
            self.add_error(name, f"The number of pupils in {label} must be 0 or more")
        # A long number is refused before it is read: Python will not read thousands of digits.
        elif len(text) > 6 or int(text) > MOST_PUPILS_IN_A_YEAR_GROUP:
            self.add_error(
                name, f"The number of pupils in {label} must be {MOST_PUPILS_IN_A_YEAR_GROUP} or fewer"
            )
        else:
            return int(text)
        return None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("delivered") == "yes":
            counts = {year: self._count(year) for year in self.year_groups}
            if None not in counts.values() and not any(counts.values()):
                self.add_error(
                    count_field_name(self.year_groups[0]),
                    "Enter the number of pupils reached in at least one year group",
                )
            total = sum(n for n in counts.values() if n)
            if None not in counts.values() and self.most_pupils is not None and total > self.most_pupils:
                first_counted = next(y for y in self.year_groups if counts[y])
                self.add_error(
                    count_field_name(first_counted),
                    f"The session is for a group of up to {self.most_pupils} pupils: the numbers add up "
                    f"to {total}. Enter the pupils who took part in this visit",
                )
            cleaned["pupils_by_year_group"] = {YEAR_LABEL[y]: n for y, n in counts.items() if n}
            cleaned["reason"] = cleaned["reason_other"] = ""
        elif cleaned.get("delivered") == "no":
            cleaned["pupils_by_year_group"] = {}
            if not cleaned.get("reason"):
                self.add_error("reason", "Select why the session was not delivered")
            elif cleaned["reason"] == VisitOutcome.Reason.OTHER:
                if not cleaned.get("reason_other", "").strip() and "reason_other" not in self.errors:
                    self.add_error("reason_other", "Enter what happened")
            else:
                cleaned["reason_other"] = ""
        return cleaned
