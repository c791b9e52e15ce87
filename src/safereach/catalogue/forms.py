from django import forms
from django.utils.text import slugify

from safereach.catalogue.models import KEY_STAGE_LABEL, Session
from safereach.matrix.models import Programme
from safereach.schools.models import School
from safereach.schools.year_groups import YEAR_GROUPS


class CatalogueFilter(forms.Form):
    """What a school narrows the catalogue by; every choice is optional."""

    programme = forms.ModelChoiceField(
        label="Topic",
        required=False,
        queryset=Programme.objects.filter(sessions__is_published=True).distinct(),
        to_field_name="slug",
        empty_label="All topics",
    )
    key_stage = forms.ChoiceField(
        label="Key stage", required=False, choices=[("", "All key stages"), *KEY_STAGE_LABEL.items()]
    )
    partner = forms.ChoiceField(label="Partner", required=False)
    free_only = forms.BooleanField(label="Free sessions only", required=False)

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [("", "All partners")] + [(p.slug, p.name) for p in partners]


class SessionForm(forms.ModelForm):
    """A partner's session, as the partner describes it."""

    programme = forms.ModelChoiceField(
        label="Topic",
        queryset=Programme.objects.all(),
        to_field_name="slug",
        empty_label="Choose a topic",
        help_text="The session's year groups must be among those its topic is for.",
        error_messages={"required": "Select the topic", "invalid_choice": "Select a topic from the list"},
    )
    year_groups = forms.TypedMultipleChoiceField(
        label="Year groups",
        choices=YEAR_GROUPS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the year groups the session is for"},
    )
    tiers_served = forms.TypedMultipleChoiceField(
        label="Tiers of need served",
        choices=School.Tier.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the tiers of need the session serves"},
    )
    cost_pounds = forms.DecimalField(
        label="Cost to the school, in pounds",
        min_value=0,
        max_digits=7,
        decimal_places=2,
        initial=0,
        help_text="Leave as 0 for a free session.",
        error_messages={
            "invalid": "Enter the cost as a number of pounds, like 25 or 12.50",
            "min_value": "Cost must be 0 or more",
            "required": "Enter the cost, or 0 if the session is free",
        },
    )

    class Meta:
        model = Session
        fields = [
            "title",
            "programme",
            "description",
            "year_groups",
            "length_minutes",
            "group_size",
            "cost_note",
            "delivery_place",
            "tiers_served",
            "is_published",
            "contact_email",
            "contact_phone",
        ]
        labels = {
            "length_minutes": "Length, in minutes",
            "group_size": "Pupils in one group, at most",
            "delivery_place": "Where it is delivered",
            "cost_note": "About the cost",
            "is_published": "Show it in the catalogue",
            "contact_email": "Email for booking it directly (optional)",
            "contact_phone": "Phone for booking it directly (optional)",
        }
        help_texts = {
            "contact_email": (
                "While no officer here delivers the session, schools are told to book it with you at "
                "this email or phone. Leave both empty and their requests come to your booking queue."
            ),
        }
        widgets = {"delivery_place": forms.RadioSelect}
        error_messages = {
            "title": {"required": "Enter the session's title"},
            "description": {"required": "Describe the session for schools"},
            "length_minutes": {
                "required": "Enter the length in minutes",
                "invalid": "Enter the length as a whole number of minutes",
            },
            "group_size": {
                "required": "Enter the largest group, in pupils",
                "invalid": "Enter the group size as a whole number of pupils",
            },
        }

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.partner = partner
        self.fields["programme"].label_from_instance = lambda p: f"{p.name} ({p.year_groups_text})"
        if self.instance.pk:
            self.fields["cost_pounds"].initial = self.instance.cost_pence / 100

    def clean_length_minutes(self):
        minutes = self.cleaned_data["length_minutes"]
        if not 15 <= minutes <= 360:
            raise forms.ValidationError("Length must be between 15 and 360 minutes")
        return minutes

    def clean_group_size(self):
        size = self.cleaned_data["group_size"]
        if size < 1:
            raise forms.ValidationError("Group size must be at least 1 pupil")
        return size

    def save(self, commit=True):
        session = super().save(commit=False)
        session.partner = self.partner
        session.cost_pence = int(round(self.cleaned_data["cost_pounds"] * 100))
        if not session.slug:
            base = slugify(f"{self.partner.slug}-{session.title}")[:100]
            slug, n = base, 2
            while Session.objects.filter(slug=slug).exists():
                slug, n = f"{base}-{n}", n + 1
            session.slug = slug
        if commit:
            session.save()
        return session
