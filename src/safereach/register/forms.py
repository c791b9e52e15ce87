"""The register's forms: a notice served (or its details put right), an event on a notice,
striking an event out, an import file, and the public search. Every check of what the law
allows is `rules`'s, so a form and an import file say the same thing about the same mistake."""

from django import forms

from safereach.areas.coordinates import lonlat_problems
from safereach.areas.models import Area
from safereach.core.forms import DATE_EXAMPLE, DayFirstDateInput
from safereach.evidence.importers.locations import postcode
from safereach.register import rules
from safereach.register.articles import EXAMPLE, articles_text, parse_articles
from safereach.register.models import PremisesType, RegisterNotice
from safereach.register.records import EventInput
from safereach.register.rules import AppealOutcome, ClaimOutcome, EventKind, NoticeKind, Result

DATE = DayFirstDateInput()
YES_NO = [("no", "No"), ("yes", "Yes")]


def _date(label: str, *, required=True, what="the date", help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE,
        help_text=help_text,
        error_messages={
            "required": f"Enter {what}",
            "invalid": f"Enter {what} as a real date, for example {DATE_EXAMPLE}",
        },
    )


def add_problems(form: forms.Form, problems: list[rules.Problem]) -> None:
    """Put `rules`'s problems on the form's fields (named alike). A problem with the whole goes
    beside the first field, which the error summary links it to."""
    first = next(iter(form.fields))
    for name, message in problems:
        form.add_error(name if name in form.fields else first, message)


class ArticlesField(forms.CharField):
    """Articles breached, one a line ("A9: what was wrong"), read into Articles."""

    widget = forms.Textarea

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def clean(self, value):
        found, problems = parse_articles(super().clean(value))
        if problems:
            raise forms.ValidationError(problems)
        return found


class NoticeForm(forms.Form):
    """A notice as served: who, where, and its terms."""

    number = forms.CharField(
        label="Notice number", max_length=60, error_messages={"required": "Enter the notice number"}
    )
    kind = forms.ChoiceField(
        label="Kind of notice",
        widget=forms.RadioSelect,
        choices=[(k.value, f"{k.label} (article {k.article})") for k in NoticeKind],
        error_messages={"required": "Select the kind of notice"},
    )
    recipient = forms.CharField(
        label="Served on",
        max_length=200,
        help_text="The person or organisation the notice was served on.",
        error_messages={"required": "Enter who the notice was served on"},
    )
    recipient_under_18 = forms.ChoiceField(
        label="Was it served on a person under 18?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="Notices served on a person under 18 are never published.",
        error_messages={"required": "Select yes if it was served on a person under 18"},
    )
    premises_name = forms.CharField(label="Premises name (optional)", max_length=200, required=False)
    address = forms.CharField(
        label="Address", max_length=300, error_messages={"required": "Enter the premises' address"}
    )
    postcode = forms.CharField(label="Postcode (optional)", max_length=12, required=False)
    premises_type = forms.ChoiceField(
        label="Type of premises",
        choices=[("", "Select the type of premises"), *PremisesType.choices],
        error_messages={"required": "Select the type of premises"},
    )
    served_on = _date("Date served", what="the date the notice was served")
    compliance_date = _date(
        "Compliance date",
        required=False,
        what="the compliance date",
        help_text="The date by which the work must be done. An enforcement notice gives "
        "at least 28 days; leave it blank for an alterations notice.",
    )
    articles = ArticlesField(
        label="Articles breached",
        help_text=f"One a line, with a few words on what was wrong, for example {EXAMPLE}.",
    )
    commentary = forms.CharField(
        label="Public commentary (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea,
        help_text="A short note for the register, for a prohibition notice.",
        error_messages={"max_length": "Keep the commentary to 1,000 characters at most"},
    )
    latitude = forms.FloatField(
        label="Latitude (optional)",
        required=False,
        help_text="For the map, in degrees, for example 51.7356.",
        error_messages={"invalid": "Enter the latitude as a number, for example 51.7356"},
    )
    longitude = forms.FloatField(
        label="Longitude (optional)",
        required=False,
        help_text="For example 0.4691.",
        error_messages={"invalid": "Enter the longitude as a number, for example 0.4691"},
    )
    district = forms.ChoiceField(
        label="Local authority district",
        required=False,
        help_text="Leave it to be worked out from the location, unless there is none.",
        error_messages={"invalid_choice": "Select a district from the list"},
    )

    def __init__(self, *args, agency, today, notice: RegisterNotice | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency, self.today, self.notice = agency, today, notice
        districts = Area.objects.filter(level=Area.Level.DISTRICT, is_fictional=agency.is_fictional).order_by(
            "name"
        )
        self._districts = {a.code: a for a in districts}
        self.fields["district"].choices = [
            ("", "Work it out from the location"),
            *((a.code, a.name) for a in districts),
        ]
        if notice is not None:
            self.fields["correction_note"] = forms.CharField(
                label="What was wrong (optional)",
                required=False,
                max_length=1000,
                widget=forms.Textarea,
                help_text="Kept with the correction in the notice's history.",
                error_messages={"max_length": "Keep it to 1,000 characters at most"},
            )
        for name in ("number", "recipient", "premises_name", "address"):
            field = self.fields[name]
            field.error_messages["max_length"] = (
                f"{field.label.removesuffix(' (optional)')} must be {field.max_length} characters or fewer"
            )

    @classmethod
    def initial_from(cls, notice: RegisterNotice) -> dict:
        return {
            "number": notice.number,
            "kind": notice.kind,
            "recipient": notice.recipient,
            "recipient_under_18": "yes" if notice.recipient_under_18 else "no",
            "premises_name": notice.premises_name,
            "address": notice.address,
            "postcode": notice.postcode,
            "premises_type": notice.premises_type,
            "served_on": notice.served_on,
            "compliance_date": notice.compliance_date,
            "articles": articles_text(notice.article_list),
            "commentary": notice.commentary,
            "latitude": notice.lat,
            "longitude": notice.lon,
            # A district worked out from the location follows the location when it changes.
            "district": notice.district.code if notice.district and notice.lat is None else "",
        }

    def clean_number(self):
        number = " ".join(self.cleaned_data["number"].split())
        taken = RegisterNotice.objects.filter(agency=self.agency, number__iexact=number)
        if self.notice is not None:
            taken = taken.exclude(pk=self.notice.pk)
        if taken.exists():
            raise forms.ValidationError(
                f"Notice {number} is already recorded: find it in the list of notices"
            )
        return number

    def clean_postcode(self):
        text = self.cleaned_data["postcode"]
        tidy = postcode(text)
        if tidy is None:
            raise forms.ValidationError("Enter a real postcode, like CM1 1QQ, or leave it blank")
        return tidy

    def clean(self):
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None) and not {"latitude", "longitude"} & set(self.errors):
            missing = "longitude" if lon is None else "latitude"
            self.add_error(missing, f"Enter the {missing} too, or leave both blank")
        elif lat is not None and lon is not None:
            import numpy as np

            for _, reason in lonlat_problems(np.array([lon]), np.array([lat])):
                self.add_error("latitude", f"The location is not in Great Britain: {reason}")
        if "kind" in data and "articles" in data and not {"served_on", "compliance_date"} & set(self.errors):
            add_problems(
                self,
                rules.problems_with_notice(
                    NoticeKind(data["kind"]),
                    data.get("served_on"),
                    data.get("compliance_date"),
                    data["articles"],
                    self.today,
                ),
            )
        return data

    def details(self) -> dict:
        """The notice's fields, as records.record_notice and correct_details take them."""
        d = self.cleaned_data
        return {
            "number": d["number"],
            "kind": d["kind"],
            "recipient": d["recipient"].strip(),
            "recipient_under_18": d["recipient_under_18"] == "yes",
            "premises_name": d["premises_name"].strip(),
            "address": " ".join(d["address"].split()),
            "postcode": d["postcode"],
            "premises_type": d["premises_type"],
            "served_on": d["served_on"],
            "compliance_date": d["compliance_date"],
            "articles": [a.as_json() for a in d["articles"]],
            "commentary": d["commentary"].strip(),
            "lat": d["latitude"],
            "lon": d["longitude"],
            "district": self._districts.get(d["district"]),
        }


# The fields each kind of event asks for, beyond its date and a note.
EVENT_FIELDS = {
    EventKind.APPEAL_LODGED: [],
    EventKind.APPEAL_DECIDED: ["outcome", "compliance_date", "articles"],
    EventKind.VARIED: ["compliance_date", "articles"],
    EventKind.EXTENDED: ["compliance_date"],
    EventKind.COMPLIED: [],
    EventKind.WITHDRAWN: [],
    EventKind.TRADE_SECRET_CLAIMED: [],
    EventKind.TRADE_SECRET_DECIDED: ["outcome"],
}
DATE_LABELS = {
    EventKind.APPEAL_LODGED: "Date the appeal was lodged",
    EventKind.APPEAL_DECIDED: "Date of the court's decision",
    EventKind.VARIED: "Date the notice was varied",
    EventKind.EXTENDED: "Date the extension was agreed",
    EventKind.COMPLIED: "Date the authority was satisfied the work was done",
    EventKind.WITHDRAWN: "Date the notice was withdrawn",
    EventKind.TRADE_SECRET_CLAIMED: "Date the trade secret was claimed",
    EventKind.TRADE_SECRET_DECIDED: "Date the claim was decided",
}


class EventForm(forms.Form):
    """One thing that happened to a notice, asking only what that kind of event needs."""

    on = _date("Date")
    outcome = forms.ChoiceField(
        label="Outcome",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome", "invalid_choice": "Select the outcome"},
    )
    compliance_date = _date("New compliance date", required=False, what="the new compliance date")
    articles = ArticlesField(
        label="Articles breached, as they now stand",
        help_text=f"One a line, for example {EXAMPLE}. Leave blank if unchanged.",
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea,
        help_text="For protection staff: not published.",
        error_messages={"max_length": "Keep the note to 1,000 characters at most"},
    )

    def __init__(self, *args, kind: EventKind, notice: RegisterNotice, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind, self.notice, self.today = kind, notice, today
        keep = {"on", "note", *EVENT_FIELDS[kind]}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self.fields["on"].label = DATE_LABELS[kind]
        self.fields["on"].error_messages["required"] = (
            f"Enter the {DATE_LABELS[kind][0].lower()}{DATE_LABELS[kind][1:]}"
        )
        if "outcome" in self.fields:
            outcomes = AppealOutcome if kind == EventKind.APPEAL_DECIDED else ClaimOutcome
            self.fields["outcome"].choices = [(o.value, o.label) for o in outcomes]
            self.fields["outcome"].label = (
                "What did the court decide?" if kind == EventKind.APPEAL_DECIDED else "Was the claim upheld?"
            )
        if kind == EventKind.EXTENDED:
            self.fields["compliance_date"].required = True
            self.fields["compliance_date"].error_messages["required"] = "Enter the new compliance date"
        if kind == EventKind.APPEAL_DECIDED and "compliance_date" in self.fields:
            self.fields["compliance_date"].help_text = "Only if the court set a new one."
        if not notice.notice_kind.has_compliance_date:
            self.fields.pop("compliance_date", None)

    def clean(self):
        data = super().clean()
        if not self.errors:
            given = self.event()
            known = self.notice.as_rules().known_on(self.today)
            add_problems(self, rules.problems_with_event(known, given.as_rules(self.today), self.today))
        return data

    def event(self) -> EventInput:
        d = self.cleaned_data
        return EventInput(
            kind=self.kind,
            on=d["on"],
            outcome=d.get("outcome", ""),
            compliance_date=d.get("compliance_date"),
            articles=tuple(d.get("articles") or ()),
            note=d.get("note", "").strip(),
        )


class StrikeOutForm(forms.Form):
    """Strike out an event recorded in error: it stays in the history, marked."""

    corrects = forms.ChoiceField(
        label="Which event was recorded in error?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the event recorded in error",
            "invalid_choice": "Select the event recorded in error",
        },
    )
    note = forms.CharField(
        label="What was wrong",
        max_length=1000,
        widget=forms.Textarea,
        error_messages={
            "required": "Say what was wrong with it",
            "max_length": "Keep it to 1,000 characters at most",
        },
    )

    def __init__(self, *args, notice: RegisterNotice, standing_events, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.notice, self.today = notice, today
        self.events = {str(e.pk): e for e in standing_events if e.event_kind in rules.STRIKABLE}
        self.fields["corrects"].choices = [
            (pk, f"{e.get_kind_display()}, {rules.say_date(e.on)}") for pk, e in self.events.items()
        ]

    def clean(self):
        data = super().clean()
        if not self.errors:
            given = self.event()
            known = self.notice.as_rules().known_on(self.today)
            add_problems(self, rules.problems_with_event(known, given.as_rules(self.today), self.today))
        return data

    def event(self) -> EventInput:
        return EventInput(
            kind=EventKind.IN_ERROR,
            on=self.today,
            note=self.cleaned_data["note"].strip(),
            corrects=self.events[self.cleaned_data["corrects"]],
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="One row for each event: see the format below.",
        error_messages={
            "required": "Select a CSV file to upload",
            "empty": "The file is empty: select a CSV file with a header and rows",
            "invalid": "Select a CSV file to upload",
        },
    )


class SearchForm(forms.Form):
    """What the public narrows the register by, from the query string."""

    q = forms.CharField(
        label="Name, address or postcode",
        required=False,
        max_length=100,
        error_messages={"max_length": "Search for 100 characters or fewer"},
    )
    premises_type = forms.ChoiceField(
        label="Type of premises", required=False, choices=[("", "All types"), *PremisesType.choices]
    )
    kind = forms.ChoiceField(
        label="Kind of notice",
        required=False,
        choices=[("", "All kinds"), *((k.value, k.label) for k in NoticeKind)],
    )
    district = forms.ChoiceField(label="District", required=False)
    status = forms.ChoiceField(
        label="Result",
        required=False,
        choices=[("", "Any result"), (Result.ONGOING.value, "Ongoing"), (Result.COMPLIED.value, "Complied")],
    )
    service = forms.ChoiceField(label="Fire and rescue service", required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data, *, districts, services):
        super().__init__(data)
        self.fields["district"].choices = [("", "All districts"), *districts]
        self.fields["service"].choices = [("", "All services"), *services]
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = (
                f"Choose a {field.label.lower()} from the list" if field.label else "Choose from the list"
            )
        self.fields["page"].error_messages.update(
            min_value="Page must be 1 or more", invalid="Page must be a whole number"
        )

    def clean(self):
        # The page is a hidden field, which the error summary does not list: say it for the form.
        if "page" in self._errors:
            self.add_error(None, self._errors.pop("page"))
        return super().clean()
