"""The forms of the schools' side. Each keeps what was typed when it is sent back with errors,
and every message says what to do in plain English."""

from django import forms

from safereach.accounts.models import ConcernTopic
from safereach.matrix.models import Programme
from safereach.schoolpage.models import Feedback
from safereach.schools.models import TIER_DEFINITIONS, Cohort, Concern, School, SchoolNeed
from safereach.schools.year_groups import YEAR_GROUPS

NOT_SURE = "0"  # the school is not sure of its tier: stored as no tier
LONG_TEXT = 5000


class AskForLinkForm(forms.Form):
    urn = forms.CharField(
        label="Your school's URN", max_length=8,
        help_text="The 6-digit unique reference number, for example 123456. It is on Get "
                  "Information About Schools and on letters from the Department for Education.",
        error_messages={"required": "Enter your school's URN"},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    email = forms.EmailField(
        label="Your work email address", max_length=254,
        help_text="The school's email address you use with partners, for example "
                  "head@yourschool.sch.uk.",
        error_messages={"required": "Enter your work email address",
                        "invalid": "Enter an email address like name@school.sch.uk"},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def clean_urn(self):
        urn = self.cleaned_data["urn"].strip()
        if not urn.isdigit():
            raise forms.ValidationError("Enter the URN as numbers only, for example 123456")
        if not School.objects.filter(urn=int(urn)).exists():
            raise forms.ValidationError("No school with this URN is known here: check the number")
        return int(urn)


def _rating_choices(low: str, high: str):
    return [(5, f"5 – {high}"), (4, "4"), (3, "3"), (2, "2"), (1, f"1 – {low}")]


class NeedForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(
        label="Which topics would help your pupils this year?", choices=Programme.objects.choices,
        required=False, widget=forms.CheckboxSelectMultiple, help_text="Select all that apply.")
    in_own_words = forms.CharField(
        label="In your own words (optional)", required=False, max_length=2000,
        widget=forms.Textarea,
        help_text="Anything the list misses: what you have noticed, what has not worked before.",
        error_messages={"max_length": "Keep this to 2,000 characters or fewer"})
    year_groups = forms.TypedMultipleChoiceField(
        label="Which year groups?", choices=YEAR_GROUPS, coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple)
    cohorts = forms.MultipleChoiceField(
        label="Which groups of pupils, if any?", choices=Cohort.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Groups that need something more or different from their year group.")
    urgency = forms.ChoiceField(
        label="How urgent is it?", choices=SchoolNeed.Urgency.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select how urgent it is"})
    own_tier = forms.TypedChoiceField(
        label="Which tier of need best describes your school?", coerce=lambda v: int(v) or None,
        empty_value=None, choices=[*School.Tier.choices, (NOT_SURE, "Not sure")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the tier that best describes your school, or "
                                    "‘Not sure’"})
    contact_name = forms.CharField(label="Your name", max_length=200,
                                   error_messages={"required": "Enter your name"})
    contact_email = forms.EmailField(
        label="Your email address", max_length=254,
        error_messages={"required": "Enter your email address",
                        "invalid": "Enter an email address like name@school.sch.uk"})

    class Meta:
        model = SchoolNeed
        fields = ["topics", "in_own_words", "year_groups", "cohorts", "urgency", "own_tier",
                  "contact_name", "contact_email"]

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        taught = school.year_groups_taught
        if taught:
            self.fields["year_groups"].choices = [c for c in YEAR_GROUPS if c[0] in taught]
        self.fields["year_groups"].help_text = "The year groups the topics are for."
        self.fields["own_tier"].required = True
        if self.instance.pk and self.instance.own_tier is None and not self.is_bound:
            self.initial["own_tier"] = NOT_SURE

    tier_definitions = TIER_DEFINITIONS

    def clean(self):
        data = super().clean()
        if not data.get("topics") and not (data.get("in_own_words") or "").strip() \
                and "topics" not in self.errors:
            self.add_error("topics", "Select at least one topic, or say in your own words "
                                     "what would help")
        return data


class ConcernForm(forms.Form):
    reporter_name = forms.CharField(label="Your name", max_length=200,
                                    error_messages={"required": "Enter your name"})
    reporter_role = forms.CharField(
        label="Your role", max_length=200,
        help_text="For example, designated safeguarding lead, or deputy.",
        error_messages={"required": "Enter your role at the school"})
    reporter_email = forms.EmailField(
        label="Your work email address", max_length=254,
        help_text="We send the reference here; the partner may contact you.",
        error_messages={"required": "Enter your work email address",
                        "invalid": "Enter an email address like name@school.sch.uk"})
    is_safeguarding_lead = forms.BooleanField(
        label="I am the school's designated safeguarding lead, or a deputy",
        error_messages={"required": "Confirm that you are the designated safeguarding lead or "
                                    "a deputy: ask them to share the concern if you are not"})
    topic = forms.ChoiceField(label="What is the concern about?", choices=ConcernTopic.choices,
                              widget=forms.RadioSelect,
                              error_messages={"required": "Select what the concern is about"})
    area = forms.ChoiceField(label="Where is it happening?",
                             help_text="The district it is about: where it was seen, not where "
                                       "the pupils live.",
                             error_messages={"required": "Select where it is happening",
                                             "invalid_choice": "Select an area from the list"})
    what_was_seen = forms.CharField(
        label="What was seen or heard?", max_length=LONG_TEXT, widget=forms.Textarea, strip=False,
        help_text="Facts as you know them: what, where, when, who was involved. Do not name a "
                  "child unless the partner needs it to act.",
        error_messages={"required": "Describe what was seen or heard",
                        "max_length": "Keep this to 5,000 characters or fewer: the partner will "
                                      "contact you for more"})
    when_seen = forms.CharField(label="When was it? (optional)", max_length=200, required=False,
                                help_text="For example, Tuesday after school.",
                                error_messages={"max_length": "Keep this to 200 characters or "
                                                              "fewer"})
    urgency = forms.ChoiceField(label="How urgent is it?", choices=Concern.Urgency.choices,
                                widget=forms.RadioSelect,
                                error_messages={"required": "Select how urgent it is"})

    def __init__(self, *args, areas: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "Choose an area"), *areas]

    def clean_what_was_seen(self):
        text = self.cleaned_data["what_was_seen"]
        if not text.strip():
            raise forms.ValidationError("Describe what was seen or heard")
        return text  # as written: not trimmed inside, not cleaned of anything


class FeedbackForm(forms.ModelForm):
    usefulness = forms.TypedChoiceField(
        label="How useful was the session for your pupils?", coerce=int,
        choices=_rating_choices("not useful", "very useful"), widget=forms.RadioSelect,
        error_messages={"required": "Select how useful the session was"})
    fit = forms.ChoiceField(label="Was it right for the year group?", choices=Feedback.Fit.choices,
                            widget=forms.RadioSelect,
                            error_messages={"required": "Select whether it was right for the "
                                                        "year group"})
    officer_rating = forms.TypedChoiceField(
        label="How was the officer who delivered it?", coerce=int,
        choices=_rating_choices("poor", "excellent"), widget=forms.RadioSelect,
        error_messages={"required": "Select how the officer did"})
    comments = forms.CharField(
        label="Anything else? (optional)", required=False, max_length=3000, widget=forms.Textarea,
        help_text="What worked, what to change. Please do not name pupils.",
        error_messages={"max_length": "Keep this to 3,000 characters or fewer"})

    class Meta:
        model = Feedback
        fields = ["usefulness", "fit", "officer_rating", "comments"]


class KnowledgeCheckForm(forms.Form):
    """The class's results: how many took the check and how many got each question right."""

    pupils = forms.IntegerField(
        label="How many pupils took the check?", min_value=1, max_value=500,
        error_messages={"required": "Enter how many pupils took the check",
                        "invalid": "Enter the number of pupils as a whole number, like 28",
                        "min_value": "Enter at least 1 pupil",
                        "max_value": "Enter 500 pupils or fewer: one class's or year group's "
                                     "results at a time"})

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for i, question in enumerate(self.questions, start=1):
            self.fields[f"q{i}"] = forms.IntegerField(
                label=f"Question {i}: {question.text}", min_value=0,
                help_text=f"How many answered “{question.correct_answer}”?",
                error_messages={"required": f"Enter how many answered question {i} right, or 0",
                                "invalid": f"Enter how many answered question {i} right as a "
                                           "whole number",
                                "min_value": f"Enter 0 or more for question {i}"})

    def clean(self):
        data = super().clean()
        pupils = data.get("pupils")
        for i in range(1, len(self.questions) + 1):
            right = data.get(f"q{i}")
            if pupils is not None and right is not None and right > pupils:
                self.add_error(f"q{i}", f"Enter no more than the {pupils} pupils who took the "
                                        f"check for question {i}")
        return data

    def correct_counts(self) -> list[int]:
        return [self.cleaned_data[f"q{i}"] for i in range(1, len(self.questions) + 1)]


class TierDecisionForm(forms.Form):
    tier = forms.TypedChoiceField(label="Tier of need", coerce=int, choices=School.Tier.choices,
                                  widget=forms.RadioSelect,
                                  error_messages={"required": "Select the school's tier of need"})
    reason = forms.CharField(
        label="Why?", max_length=2000, widget=forms.Textarea,
        help_text="The school and other coordinators see this, so say what it rests on.",
        error_messages={"required": "Say why you confirm or change the tier",
                        "max_length": "Keep the reason to 2,000 characters or fewer"})

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why you confirm or change the tier")
        return reason


class QuestionForm(forms.Form):
    """One knowledge-check question a partner adds to a session."""

    text = forms.CharField(label="Question", max_length=300,
                           error_messages={"required": "Enter the question",
                                           "max_length": "Keep the question to 300 characters "
                                                         "or fewer"})
    answer_1 = forms.CharField(label="Answer 1", max_length=150, required=False)
    answer_2 = forms.CharField(label="Answer 2", max_length=150, required=False)
    answer_3 = forms.CharField(label="Answer 3 (optional)", max_length=150, required=False)
    answer_4 = forms.CharField(label="Answer 4 (optional)", max_length=150, required=False)
    correct = forms.TypedChoiceField(
        label="Which answer is right?", coerce=int, widget=forms.RadioSelect,
        choices=[(1, "Answer 1"), (2, "Answer 2"), (3, "Answer 3"), (4, "Answer 4")],
        error_messages={"required": "Select which answer is right"})

    def clean(self):
        data = super().clean()
        answers = [(data.get(f"answer_{i}") or "").strip() for i in range(1, 5)]
        for i in (1, 2):
            if not answers[i - 1] and f"answer_{i}" not in self.errors:
                self.add_error(f"answer_{i}", f"Enter answer {i}: a question needs at least two")
        correct = data.get("correct")
        if correct and not answers[correct - 1] and "correct" not in self.errors:
            self.add_error("correct", f"Answer {correct} is empty: choose an answer you wrote")
        return data

    def _filled(self) -> list[tuple[int, str]]:
        answers = ((i, (self.cleaned_data.get(f"answer_{i}") or "").strip()) for i in range(1, 5))
        return [(i, a) for i, a in answers if a]

    def answers(self) -> list[str]:
        return [a for _, a in self._filled()]

    def correct_index(self) -> int:
        """Position of the right answer among the answers written (a blank one is skipped)."""
        return [i for i, _ in self._filled()].index(self.cleaned_data["correct"])
