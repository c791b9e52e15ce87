from django import forms
from django.utils import timezone

from safereach.bookings.models import CANCEL_REASON_LENGTH, MOST_SESSIONS_AT_ONCE, Booking, already_asked
from safereach.bookings.offers import booking_settings
from safereach.catalogue.models import Session
from safereach.core.dates import out_of_range
from safereach.core.forms import DayFirstDateInput, ModelChoicesById
from safereach.routing.diary import Fit, SchoolDay
from safereach.schools.year_groups import YEAR_GROUPS, describe


class FindSchoolForm(forms.Form):
    q = forms.CharField(
        label="School name, URN or postcode",
        max_length=100,
        error_messages={"required": "Enter your school's name, URN or postcode"},
    )

    def clean_q(self):
        q = self.cleaned_data["q"].strip()
        if len(q) < 3:
            raise forms.ValidationError("Enter at least 3 characters of the name, URN or postcode")
        return q


class TimeField(forms.TimeField):
    """Times as people type them: 9:00, 09:00, 15.15."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(".", ":")
        return super().to_python(value)


ACCESS_NEEDS_MAX = 2000


def first_day_field(help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label="From",
        help_text=help_text,
        widget=DayFirstDateInput(),
        error_messages={
            "required": "Enter the first day that suits",
            "invalid": "Enter the first day as a real date",
        },
    )


def last_day_field(help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label="To",
        help_text=help_text,
        widget=DayFirstDateInput(),
        error_messages={
            "required": "Enter the last day that suits",
            "invalid": "Enter the last day as a real date",
        },
    )


def check_dates_that_suit(form, cleaned: dict, today) -> None:
    """The rule for the dates a school gives (`dates_from` to `dates_to`), on any form: after
    today, not beyond the years SafeReach plans, forwards, and within 120 days."""
    start, end = cleaned.get("dates_from"), cleaned.get("dates_to")
    if start and start <= today:
        form.add_error("dates_from", "The first day must be after today")
    elif start and (too_far := out_of_range(start, today, "the first day")):
        form.add_error("dates_from", too_far)
    elif start and end and end < start:
        form.add_error("dates_to", "The last day must be the same as or after the first day")
    elif start and end and (end - start).days > 120:
        form.add_error("dates_to", "Give dates within 120 days of each other")


class RequestForm(forms.ModelForm):
    """Everything we need from a school to offer times, on one page."""

    sessions = ModelChoicesById(
        label="Sessions",
        queryset=Session.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose one or more.",
        error_messages={
            "required": "Select at least one session",
            "invalid_choice": "Select sessions from the list: those for the year groups your school teaches",
        },
    )
    year_groups = forms.TypedMultipleChoiceField(
        label="Year groups",
        choices=YEAR_GROUPS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the year groups taking part"},
    )
    dates_from = first_day_field("The first day that suits.")
    dates_to = last_day_field("The last day that suits.")
    also_from = forms.DateField(
        label="From",
        required=False,
        widget=DayFirstDateInput(),
        error_messages={"invalid": "Enter the first day of the other range as a real date"},
    )
    also_to = forms.DateField(
        label="To",
        required=False,
        widget=DayFirstDateInput(),
        error_messages={"invalid": "Enter the last day of the other range as a real date"},
    )
    access_needs = forms.CharField(
        label="Access needs (optional)",
        required=False,
        max_length=ACCESS_NEEDS_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Anything the officer should know to make the session work for every pupil.",
        error_messages={
            "max_length": f"Access needs must be {ACCESS_NEEDS_MAX:,} characters or fewer: "
            "give the officer the main points"
        },
    )
    school_day_starts = TimeField(
        label="School day starts",
        initial="8:45",
        help_text="For example, 8:45.",
        error_messages={
            "required": "Enter when the school day starts",
            "invalid": "Enter the time the day starts, like 8:45",
        },
    )
    school_day_ends = TimeField(
        label="School day ends",
        initial="15:15",
        help_text="For example, 15:15.",
        error_messages={
            "required": "Enter when the school day ends",
            "invalid": "Enter the time the day ends, like 15:15",
        },
    )
    lunch_starts = TimeField(
        label="Lunch starts",
        initial="12:00",
        help_text="For example, 12:00.",
        error_messages={
            "required": "Enter when lunch starts",
            "invalid": "Enter the time lunch starts, like 12:00",
        },
    )

    sessions_at_once = forms.IntegerField(
        label="Sessions you can host at the same time (optional)",
        required=False,
        min_value=1,
        max_value=MOST_SESSIONS_AT_ONCE,
        initial=1,
        help_text=(
            "If you ask for more than one session, one group of pupils only ever has one at a time. "
            "Other groups can have sessions at the same time if you have the rooms: leave 1 if not."
        ),
        error_messages={
            "invalid": "Enter the number of sessions you can host at the same time as a whole number, like 1",
            "min_value": "Enter 1 or more sessions you can host at the same time",
            "max_value": f"Enter {MOST_SESSIONS_AT_ONCE} or fewer sessions you can host at the same time",
        },
    )

    book_again = forms.BooleanField(
        label="Yes, book it again: this is for another group of pupils",
        required=False,
    )
    # The page asks about booking again just below the sessions, so its error comes second in
    # the error summary, as on the page.
    field_order = ["sessions", "book_again"]

    class Meta:
        model = Booking
        fields = [
            "sessions",
            "dates_from",
            "dates_to",
            "part_of_day",
            "school_day_starts",
            "school_day_ends",
            "lunch_starts",
            "pupils",
            "sessions_at_once",
            "year_groups",
            "access_needs",
            "contact_name",
            "contact_role",
            "contact_email",
        ]
        labels = {
            "part_of_day": "Part of the school day",
            "pupils": "Number of pupils",
            "access_needs": "Access needs (optional)",
            "contact_name": "Your name",
            "contact_role": "Your role (optional)",
            "contact_email": "Your email address",
        }
        help_texts = {
            "access_needs": "Anything the officer should know to make the session work for every pupil.",
            "contact_email": "Use your school email address: we send the link to confirm the booking there.",
            "contact_role": "For example, safeguarding lead or PSHE lead.",
        }
        widgets = {
            "part_of_day": forms.RadioSelect,
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }
        error_messages = {
            "pupils": {
                "required": "Enter the number of pupils",
                "invalid": "Enter the number of pupils as a whole number",
                "min_value": "Enter at least 1 pupil",
            },
            "contact_name": {"required": "Enter your name",
                             "max_length": "Your name must be 200 characters or fewer"},
            "contact_role": {"max_length": "Your role must be 200 characters or fewer"},
            "contact_email": {
                "required": "Enter your email address",
                "invalid": "Enter an email address in the correct format, like name@school.sch.uk",
            },
            "part_of_day": {"required": "Select the part of the school day"},
        }

    def __init__(self, *args, sessions, school=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.repeats: list[str] = []  # what the school already has of the sessions it chose
        self.fields["sessions"].queryset = sessions
        if school is not None:
            # Only the year groups the school teaches are offered: it books for its own pupils.
            taught = school.year_groups_taught
            years = self.fields["year_groups"]
            years.choices = [(y, label) for y, label in YEAR_GROUPS if y in taught]
            years.error_messages["invalid_choice"] = (
                f"Select year groups {school.name} teaches: {describe(taught)}"
            )
        self.fields["sessions"].label_from_instance = lambda s: (
            f"{s.title}: {s.partner.name}, {s.length_minutes} minutes, {s.cost_text.lower()}"
        )

    def clean_sessions_at_once(self):
        return self.cleaned_data["sessions_at_once"] or 1

    def clean_pupils(self):
        pupils = self.cleaned_data["pupils"]
        if pupils < 1:
            raise forms.ValidationError("Enter at least 1 pupil")
        return pupils

    def save(self, commit=True):
        booking = super().save(commit=False)
        also_from, also_to = self.cleaned_data.get("also_from"), self.cleaned_data.get("also_to")
        booking.more_dates = [[also_from.isoformat(), also_to.isoformat()]] if also_from and also_to else []
        if commit:
            booking.save()
            self.save_m2m()
        return booking

    def clean_contact_email(self):
        return self.cleaned_data["contact_email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        start = cleaned.get("dates_from")
        today = timezone.localdate()
        check_dates_that_suit(self, cleaned, today)
        also_from, also_to = cleaned.get("also_from"), cleaned.get("also_to")
        if also_from and not also_to and "also_to" not in self.errors:
            self.add_error("also_to", "Enter the last day of the other range, or leave both empty")
        elif also_to and not also_from and "also_from" not in self.errors:
            self.add_error("also_from", "Enter the first day of the other range, or leave both empty")
        elif also_from and also_from <= today:
            self.add_error("also_from", "The other range must start after today")
        elif also_from and also_to < also_from:
            self.add_error("also_to", "The other range must end on or after its first day")
        elif also_from and start and (also_to - start).days > 180:
            self.add_error("also_to", "Give dates within 6 months of the first day")
        opens, closes, lunch = (
            cleaned.get(k) for k in ("school_day_starts", "school_day_ends", "lunch_starts")
        )
        if opens and closes and closes <= opens:
            self.add_error("school_day_ends", "The school day must end after it starts")
        elif opens and closes and lunch and not opens < lunch < closes:
            self.add_error("lunch_starts", "Lunch must start during the school day")
        sessions = cleaned.get("sessions")
        years = cleaned.get("year_groups")
        if sessions and years:
            # One request is one group of pupils, so each session must be for all of them.
            outside = [s for s in sessions if not set(years) <= set(s.year_groups)]
            if outside:
                self.add_error(
                    "year_groups",
                    f"{outside[0].title} is for {describe(outside[0].year_groups)}: choose year "
                    "groups within those, or request it on its own for other year groups",
                )
        pupils = cleaned.get("pupils")
        if sessions and pupils:
            too_big = [s for s in sessions if pupils > s.group_size]
            if too_big:
                self.add_error(
                    "pupils",
                    f"{too_big[0].title} takes up to {too_big[0].group_size} pupils "
                    "in a group: book it once for each group",
                )
        if sessions and self.school is not None:
            self.repeats = already_asked(self.school, sessions)
            if self.repeats and not cleaned.get("book_again"):
                self.add_error(
                    "book_again",
                    f"{self.repeats[0]}. If this request is for another group of pupils, tick the box "
                    "to book it again; if not, there is nothing more to do",
                )
        return cleaned


class ChooseTimesForm(forms.Form):
    """One choice of offered time for each session; built from the offers shown."""

    def __init__(self, *args, offers_by_session, school_day: SchoolDay | None = None, **kwargs):
        """`school_day`: the booking's, whose rule keeps one group's chosen sessions apart."""
        super().__init__(*args, **kwargs)
        self.school_day = school_day
        for session, offers in offers_by_session:
            if offers:
                self.fields[f"session_{session.pk}"] = forms.ChoiceField(
                    label=session.title,
                    widget=forms.RadioSelect,
                    choices=[(o.key, o) for o in offers],
                    error_messages={
                        "required": f"Select a time for {session.title}",
                        "invalid_choice": f"Select one of the times offered for {session.title}",
                    },
                )

    def clean(self):
        cleaned = super().clean()
        # Each session's times are found on their own, so two chosen with the same officer may
        # overlap; say so here rather than lose one of them when they are held.
        arrive_before = booking_settings()["ARRIVE_BEFORE_MINUTES"]
        school_day = self.school_day
        chosen = []
        for name, field in self.fields.items():
            offer = dict(field.choices).get(cleaned.get(name))
            if offer is None:
                continue
            clash = next(
                (
                    other
                    for other in chosen
                    if other.officer.pk == offer.officer.pk
                    and other.slot.day == offer.slot.day
                    and offer.slot.start < other.slot.end + arrive_before
                    and other.slot.start < offer.slot.end + arrive_before
                ),
                None,
            )
            slot = offer.slot
            # One group, one place: the one rule says whether the school day has room for it
            # beside the sessions chosen before it.
            if clash is None and school_day is not None:
                if school_day.on(slot.day).room_for(slot.start, slot.end) is Fit.GROUP_BUSY:
                    clash = next(o for o in chosen if o.slot.day == slot.day and o.slot.start < slot.end
                                 and slot.start < o.slot.end)
                    self.add_error(
                        name,
                        f"Choose another time for {offer.session.title}: the same pupils have "
                        f"{clash.session.title} then",
                    )
                    continue
                school_day = school_day.with_session(slot.day, slot.start, slot.end, same_group=True)
            if clash is None:
                chosen.append(offer)
            else:
                self.add_error(
                    name,
                    f"Choose another time for {offer.session.title}: {offer.officer.name} "
                    f"is with you for {clash.session.title} then",
                )
        return cleaned


class OtherDatesForm(forms.Form):
    """Other dates a school gives to move a visit to, when none on its first dates suits."""

    dates_from = first_day_field()
    dates_to = last_day_field()

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        check_dates_that_suit(self, cleaned, self.today)
        return cleaned

    @property
    def ranges(self):
        return [(self.cleaned_data["dates_from"], self.cleaned_data["dates_to"])]


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=CANCEL_REASON_LENGTH,
        widget=forms.Textarea,
        help_text=f"The school sees it in the email telling them. Up to {CANCEL_REASON_LENGTH} characters.",
    )
